"""What JSON-RPC and XML-RPC share: ``common.version``, ``authenticate`` and ``execute_kw``.

The two RPC APIs differ only in how one ``service.method(args)`` round trip is encoded;
everything about credentials and the calling convention lives here once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from healthbridge.connectors.odoo.errors import CallSite, OdooAuthenticationError, ProtocolName
from healthbridge.connectors.odoo.transport import HttpTransport
from healthbridge.connectors.odoo.wire import execute_kw_arguments


class ExecuteKwWire(ABC):
    """RPC calls for one database, login and API key (sent as the password)."""

    name: ClassVar[ProtocolName]

    def __init__(
        self, transport: HttpTransport, *, database: str, login: str, api_key: str
    ) -> None:
        self._transport = transport
        self._database = database
        self._login = login
        self._api_key = api_key
        self.uid: int | None = None

    @abstractmethod
    async def service(
        self,
        service: str,
        method: str,
        args: Sequence[Any],
        site: CallSite,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """One round trip to ``service.method``; the result, or the mapped error."""

    async def version(self) -> Any:
        """``common.version``: the server's version, without credentials."""
        return await self.service("common", "version", (), CallSite("common", "version", self.name))

    async def authenticate(self) -> int:
        """``common.authenticate``: the uid, or ``OdooAuthenticationError`` for ``false``."""
        site = CallSite("common", "authenticate", self.name)
        uid = await self.service(
            "common", "authenticate", (self._database, self._login, self._api_key, {}), site
        )
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise OdooAuthenticationError(
                f"Odoo refused the credentials for {site}: check the login (odoo.login), "
                "the API key (odoo.api_key) and the database (odoo.database)",
                site=site,
            )
        self.uid = uid
        return uid

    async def execute(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None,
        params: Mapping[str, Any],
        context: Mapping[str, Any] | None,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """``object.execute_kw`` as the authenticated user."""
        if self.uid is None:
            raise RuntimeError("authenticate() must run before execute()")
        args, kwargs = execute_kw_arguments(method, ids, params, context)
        site = CallSite(model, method, self.name)
        return await self.service(
            "object",
            "execute_kw",
            (self._database, self.uid, self._api_key, model, method, args, kwargs),
            site,
            timeout_seconds=timeout_seconds,
        )
