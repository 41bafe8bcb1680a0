"""Outbound OAuth 2.0 client credentials: obtain, cache and refresh the hub's token.

One token serves every call until shortly before it expires (``payer_token_skew_seconds``);
a 401 from the resource server means it was revoked early, so the caller asks for a
fresh one once (``invalidate``) and retries. Concurrent callers share one refresh. The
secret goes only into the token request's Basic header, never into logs or errors.
"""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass

import aiohttp

from healthbridge.core.errors import UnavailableError
from healthbridge.core.sections.workflows import WorkflowsSettings


class TokenUnavailableError(UnavailableError):
    """The token endpoint refused the hub's credentials or could not be reached."""

    code = "oauth.token_unavailable"


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A bearer token and when (monotonic seconds) to stop using it."""

    value: str
    use_until: float


class ClientCredentials:
    """A cached client-credentials token for one authorisation server."""

    def __init__(self, session: aiohttp.ClientSession, settings: WorkflowsSettings) -> None:
        if settings.payer_client_secret is None:
            raise TokenUnavailableError(
                "no payer client secret: set workflows.payer_client_secret "
                "(HEALTHBRIDGE_WORKFLOWS__PAYER_CLIENT_SECRET)",
                details={"key": "workflows.payer_client_secret"},
            )
        self._session = session
        self._url = settings.token_url()
        self._scope = settings.payer_scope
        self._skew = settings.payer_token_skew_seconds
        pair = f"{settings.payer_client_id}:{settings.payer_client_secret.get_secret_value()}"
        self._basic = "Basic " + base64.b64encode(pair.encode()).decode()
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()
        self.fetched = 0

    async def bearer(self) -> str:
        """A token valid now: the cached one, or a new one when it is about to expire."""
        token = self._token
        if token is not None and time.monotonic() < token.use_until:
            return token.value
        async with self._lock:
            token = self._token
            if token is None or time.monotonic() >= token.use_until:
                token = self._token = await self._fetch()
            return token.value

    def invalidate(self, value: str) -> None:
        """Forget ``value`` (the server rejected it); the next ``bearer`` fetches a new one."""
        if self._token is not None and self._token.value == value:
            self._token = None

    async def _fetch(self) -> AccessToken:
        form = {"grant_type": "client_credentials", "scope": self._scope}
        try:
            async with self._session.post(
                self._url, data=form, headers={"Authorization": self._basic}
            ) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TokenUnavailableError(
                "the payer's token endpoint could not be reached",
                details={"reason": type(exc).__name__},
            ) from None
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            error = body.get("error") if isinstance(body, dict) else None
            raise TokenUnavailableError(
                "the payer refused the hub's client credentials",
                details={"status": status, "error": str(error or "")},
            )
        lifetime = float(body.get("expires_in") or 60)
        self.fetched += 1
        return AccessToken(
            str(body["access_token"]), time.monotonic() + max(lifetime - self._skew, 0.0)
        )
