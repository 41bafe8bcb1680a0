"""The receiver of Odoo's automation-rule webhooks: ``POST /hooks/odoo/{integration}``.

Odoo signs nothing and sends no auth header; the only credential it can carry is the
query string of the URL it was given, so the receiver checks ``?token=`` in constant time.
It answers within milliseconds because Odoo posts synchronously inside the write that
changed the record (1 s timeout per post): the change is queued and recorded afterwards.
Bodies carry personal data, so nothing but model, id and write_date is ever logged.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from healthbridge.canonical.changes import OdooChangeError
from healthbridge.services.change_capture import ChangeIntake

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 1_048_576
"""A webhook names a few fields of one record; anything bigger is not one of ours."""

_INTEGRATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def problem(status: int, title: str, detail: str, code: str, **extensions: Any) -> JSONResponse:
    """An RFC 9457 problem document; ``code`` is the stable error code."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code}
    return JSONResponse(
        {**body, **extensions}, status_code=status, media_type="application/problem+json"
    )


def odoo_hooks_router(intake: ChangeIntake, secret: SecretStr | None) -> APIRouter:
    """The webhook route, bound to the intake that records changes and the expected token."""
    router = APIRouter()
    expected = secret.get_secret_value().encode() if secret is not None else None
    if not expected:
        log.warning("odoo_webhook_secret_unset", hint="set HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET")

    @router.post("/hooks/odoo/{integration}", include_in_schema=False)
    async def receive_odoo_webhook(integration: str, request: Request) -> JSONResponse:
        if not _INTEGRATION.match(integration):
            return problem(404, "Not Found", "no such webhook integration", "gateway.not_found")
        token = request.query_params.get("token", "").encode()
        # Compare even when unset, so timing does not tell "unset" from "wrong".
        if not hmac.compare_digest(token, expected or b"\0") or not expected:
            log.warning("odoo_webhook_rejected", integration=integration, reason="bad_token")
            return problem(401, "Unauthorized", "a valid token is required", "gateway.unauthorized")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return problem(413, "Content Too Large", "webhook body too large", "capture.too_large")
        try:
            body = json.loads(raw)
        except ValueError:
            log.warning("odoo_webhook_rejected", integration=integration, reason="not_json")
            return problem(
                422,
                "Unprocessable Content",
                "the body is not JSON; an Odoo webhook is a JSON object",
                "capture.invalid_change",
            )
        try:
            accepted = intake.accept(body, integration=integration)
        except OdooChangeError as exc:
            log.warning("odoo_webhook_rejected", integration=integration, reason="not_a_webhook")
            return problem(
                422,
                "Unprocessable Content",
                exc.safe_message,
                exc.code,
                missing=exc.details.get("missing", []),
                invalid=exc.details.get("invalid", []),
            )
        change = accepted.change
        log.info(
            "odoo_webhook_received",
            integration=integration,
            model=change.model,
            record_id=change.record_id,
            write_date=change.write_date.isoformat(),
            outcome=accepted.outcome,
        )
        # 200 even when dropped: Odoo never retries, and the poller reads the change later.
        return JSONResponse({"status": accepted.outcome})

    return router
