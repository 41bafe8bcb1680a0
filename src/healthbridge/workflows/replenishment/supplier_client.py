"""The supplier API over HTTP (aiohttp): quotes, reservation release, order notifications.

Every call carries the workflow's reference, and the supplier answers a repeated
reference with its first answer, so a step replayed after a crash gets the same quote or
acknowledgement instead of a second one. 409 means the supplier declined (final); 5xx,
timeouts and connection errors are ``SupplierUnavailableError`` (worth retrying).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import aiohttp

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.workflow_ports import (
    SupplierAcknowledgement,
    SupplierQuote,
    SupplierRejectedError,
    SupplierUnavailableError,
)


class SupplierHttp:
    """Implements ``SupplierPort`` against the supplier's HTTP API."""

    def __init__(self, session: aiohttp.ClientSession, settings: WorkflowsSettings) -> None:
        self._session = session
        self._base = settings.supplier_url.rstrip("/")
        self._notify_url = settings.notification_url()

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: WorkflowsSettings) -> AsyncIterator[SupplierHttp]:
        """A client with its own connection pool, closed on exit."""
        timeout = aiohttp.ClientTimeout(total=settings.supplier_timeout_seconds)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            yield cls(session, settings)

    async def _send(
        self, method: str, url: str, body: Mapping[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        try:
            async with self._session.request(method, url, json=body) as response:
                payload = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise SupplierUnavailableError(
                "the supplier could not be reached", details={"reason": type(exc).__name__}
            ) from None
        if status >= 500:
            raise SupplierUnavailableError(
                "the supplier answered with a server error", details={"status": status}
            )
        if status == 409:
            raise SupplierRejectedError(
                "the supplier declined", details={"reason": str(payload.get("reason", ""))}
            )
        if status >= 400:
            raise SupplierRejectedError(
                "the supplier refused the request", details={"status": status}
            )
        return status, payload if isinstance(payload, dict) else {}

    async def quote(self, reference: str, sku: str, quantity: float) -> SupplierQuote:
        """Availability and price, holding stock; raises ``SupplierRejectedError`` when declined."""
        _, body = await self._send(
            "POST",
            f"{self._base}/quotes",
            {"reference": reference, "sku": sku, "quantity": quantity},
        )
        return SupplierQuote(
            quote_id=str(body["quote_id"]),
            reservation_id=str(body["reservation_id"]),
            unit_price=float(body["unit_price"]),
            currency=str(body["currency"]),
            lead_days=int(body["lead_days"]),
        )

    async def release(self, reservation_id: str) -> None:
        """Release a reservation; an unknown one counts as released."""
        try:
            await self._send("DELETE", f"{self._base}/reservations/{reservation_id}")
        except SupplierRejectedError as exc:
            if exc.details.get("status") != 404:
                raise

    async def notify(self, reference: str, order: Mapping[str, Any]) -> SupplierAcknowledgement:
        """Notify the supplier of a confirmed order; the same reference, the same answer."""
        _, body = await self._send("POST", self._notify_url, {"reference": reference, **order})
        return SupplierAcknowledgement(
            acknowledgement=str(body["acknowledgement"]),
            expected_delivery=date.fromisoformat(str(body["expected_delivery"])),
        )
