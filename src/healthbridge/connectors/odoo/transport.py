"""The one HTTP session an Odoo client uses: a bounded pool, deadlines, and error mapping.

aiohttp rather than httpx: on one core it sent ~17k small POSTs/s here against ~900/s
for httpx's AsyncClient, and the connector's overhead is what the hub pays on every
Odoo call. Odoo answers ``Connection: close``, so nothing here relies on keep-alive;
the pool bound (``max_connections``) is what stops a burst from opening a socket per call.

Every failure to get a complete HTTP answer becomes ``OdooTimeout`` or
``OdooTransportError`` here, so the protocol modules only deal with answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import aiohttp

from healthbridge.connectors.odoo.errors import CallSite, OdooTimeout, OdooTransportError

USER_AGENT: Final = "healthbridge-odoo-connector/1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete HTTP answer, body read."""

    status: int
    content_type: str
    """The media type without parameters, lower-cased (``application/json``)."""
    body: bytes

    @property
    def is_json(self) -> bool:
        """Whether the server says the body is JSON."""
        return self.content_type in {"application/json", "application/json-rpc"}


class HttpTransport:
    """POST and GET against one Odoo base URL through one pooled aiohttp session."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        connect_timeout_seconds: float,
        max_connections: int,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.connect_timeout_seconds = connect_timeout_seconds
        self._timeout = aiohttp.ClientTimeout(
            total=timeout_seconds, connect=connect_timeout_seconds
        )
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max_connections),
            timeout=self._timeout,
            # /web/version sets a session cookie; the external APIs are stateless and
            # must stay so (a cookie would make calls depend on each other).
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": USER_AGENT},
        )

    def set_deadline(self, seconds: float) -> None:
        """Change the deadline of calls that do not name their own."""
        self.timeout_seconds = seconds
        self._timeout = aiohttp.ClientTimeout(total=seconds, connect=self.connect_timeout_seconds)

    @property
    def closed(self) -> bool:
        """Whether ``close`` has run."""
        return self._session.closed

    async def post(
        self,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> HttpResponse:
        """POST ``body`` to ``path``; any answer, whatever its status, is returned."""
        return await self._request(
            "POST",
            path=path,
            body=body,
            headers=headers,
            site=site,
            timeout_seconds=timeout_seconds,
        )

    async def get(self, path: str, site: CallSite) -> HttpResponse:
        """GET ``path``; any answer, whatever its status, is returned."""
        return await self._request(
            "GET", path=path, body=None, headers={}, site=site, timeout_seconds=None
        )

    async def close(self) -> None:
        """Close the session and its sockets; the transport cannot be used afterwards."""
        await self._session.close()

    async def _request(
        self,
        verb: str,
        *,
        path: str,
        body: bytes | None,
        headers: Mapping[str, str],
        site: CallSite,
        timeout_seconds: float | None,
    ) -> HttpResponse:
        # Pass a ClientTimeout (the session's, or this call's): aiohttp reads
        # ``timeout=None`` as "no deadline at all".
        if timeout_seconds is None:
            deadline, timeout = self.timeout_seconds, self._timeout
        else:
            deadline = timeout_seconds
            timeout = aiohttp.ClientTimeout(total=deadline, connect=self.connect_timeout_seconds)
        try:
            async with self._session.request(
                verb, self.base_url + path, data=body, headers=headers, timeout=timeout
            ) as response:
                payload = await response.read()
                media_type = response.content_type.lower()
                return HttpResponse(response.status, media_type, payload)
        except aiohttp.ConnectionTimeoutError as exc:
            raise OdooTimeout(
                f"could not connect to Odoo for {site} within "
                f"{self.connect_timeout_seconds:g} s: check odoo.url and that Odoo is up",
                site=site,
            ) from exc
        except TimeoutError as exc:
            raise OdooTimeout(
                f"Odoo did not answer {site} within {deadline:g} s: a write may or may not "
                "have been applied; check Odoo's load, or raise odoo.timeout_seconds",
                site=site,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise OdooTransportError(
                f"could not connect to Odoo for {site} ({_reason(exc)}): "
                "check odoo.url and that Odoo is running",
                site=site,
            ) from exc
        except aiohttp.ClientError as exc:
            raise OdooTransportError(
                f"the connection to Odoo broke during {site} ({_reason(exc)}): "
                "a write may or may not have been applied",
                site=site,
            ) from exc


def _reason(exc: aiohttp.ClientError) -> str:
    """A short cause for the message; the exception class says enough and holds no data."""
    if isinstance(exc, aiohttp.ClientConnectorError) and exc.os_error.strerror:
        return str(exc.os_error.strerror).lower()
    return type(exc).__name__
