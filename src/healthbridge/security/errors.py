"""Errors of the security area: refused tokens and refused client credentials.

Messages say what is wrong in terms a caller can act on and never echo a token, a
secret or a claim value.
"""

from __future__ import annotations

from healthbridge.core.errors import HealthbridgeError


class InvalidToken(HealthbridgeError):  # noqa: N818 - named for RFC 6750's error code
    """An access token failed verification (signature, expiry, audience, issuer, env)."""

    code = "auth.invalid_token"


class InvalidClient(HealthbridgeError):  # noqa: N818 - named for RFC 6749's error code
    """Client authentication failed: unknown client, wrong secret, or disabled."""

    code = "auth.invalid_client"


class InvalidScope(HealthbridgeError):  # noqa: N818 - named for RFC 6749's error code
    """The scope requested is not a subset of the client's registered scopes."""

    code = "auth.invalid_scope"
