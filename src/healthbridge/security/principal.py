"""Who is calling: the identity a verified access token describes.

The gateway's authentication middleware builds one ``Principal`` per request from a
verified token and leaves it on the request; routes, projection and the audit trail read
it from there and never look at the token again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PrincipalKind = Literal["client", "user"]
"""A machine identity (a registered integration) or a person acting through a portal."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request, as its access token proves it."""

    client_id: str
    """The registered client (integration) that obtained the token."""
    kind: PrincipalKind
    scopes: frozenset[str]
    environment: str
    """dev, test or prod: a token of one environment is refused in another."""
    purpose: str | None = None
    """Purpose of use the client was registered for (e.g. ``TREAT``, ``HPAYMT``, ``HOPERAT``)."""
    user: str | None = None
    """The person acting through the client, when ``kind == "user"``."""
    token_id: str | None = None
    issuer: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """The identity the audit trail names: the user if one acts, else the client."""
        return self.user if self.kind == "user" and self.user else self.client_id
