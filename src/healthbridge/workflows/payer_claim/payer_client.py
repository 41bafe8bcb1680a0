"""The payer's FHIR Claim endpoint over HTTP, authorised with the hub's cached token.

A 401 means the token was revoked or expired early: the client drops it, fetches a new
one and retries once. The payer answers a repeated claim identifier with its first
ClaimResponse, so a replayed step gets the same decision.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from healthbridge.core.errors import UnavailableError
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.workflow_ports import ClaimDecision
from healthbridge.workflows.payer_claim.oauth import ClientCredentials


class PayerUnavailableError(UnavailableError):
    """The payer could not be reached, answered 5xx, or refused a fresh token."""

    code = "payer.unavailable"


class PayerHttp:
    """Implements ``PayerPort`` against a FHIR R4 ``POST /fhir/Claim`` endpoint."""

    def __init__(self, session: aiohttp.ClientSession, settings: WorkflowsSettings) -> None:
        self._session = session
        self._url = f"{settings.payer_url.rstrip('/')}/fhir/Claim"
        self.tokens = ClientCredentials(session, settings)

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: WorkflowsSettings) -> AsyncIterator[PayerHttp]:
        """A client with its own connection pool and token cache, closed on exit."""
        timeout = aiohttp.ClientTimeout(total=settings.supplier_timeout_seconds)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            yield cls(session, settings)

    async def _post(self, claim: Mapping[str, Any], bearer: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/fhir+json"}
        try:
            async with self._session.post(self._url, json=claim, headers=headers) as response:
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise PayerUnavailableError(
                "the payer could not be reached", details={"reason": type(exc).__name__}
            ) from None

    async def submit(self, claim: Mapping[str, Any]) -> ClaimDecision:
        """Send the Claim (refreshing the token once on 401) and read the ClaimResponse."""
        bearer = await self.tokens.bearer()
        status, body = await self._post(claim, bearer)
        if status == 401:
            self.tokens.invalidate(bearer)
            status, body = await self._post(claim, await self.tokens.bearer())
        if status not in (200, 201) or not isinstance(body, dict):
            raise PayerUnavailableError(
                "the payer did not adjudicate the claim", details={"status": status}
            )
        payment = (body.get("payment") or {}).get("amount") or {}
        return ClaimDecision(
            claim_response_id=str(body.get("id") or ""),
            outcome="approved" if body.get("outcome") == "complete" else "denied",
            paid_amount=float(payment.get("value") or 0.0),
            currency=str(payment.get("currency") or ""),
            disposition=str(body.get("disposition") or ""),
        )
