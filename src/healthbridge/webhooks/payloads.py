"""What a webhook carries: a thin notification by default, the full event when allowed.

A thin notification tells the receiver that something happened and where to read it
(``data.link``, a governed API route that applies the consumer's scopes and projection);
the details never travel in the webhook. The envelope follows Standard Webhooks' payload
shape: ``type``, ``timestamp``, ``data``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

LINK_TEMPLATES: Mapping[str, str] = {
    "org.healthbridge.partner.upserted": "/api/v1/partners/{subject}",
    "org.healthbridge.partner.merged": "/api/v1/partners/{subject}",
    "org.healthbridge.stock.level-changed": "/api/v1/stock-levels/{subject}",
    "org.healthbridge.stock.move-done": "/api/v1/stock-moves/{subject}",
    "org.healthbridge.purchase.order-confirmed": "/api/v1/purchase-orders/{subject}",
    "org.healthbridge.invoice.posted": "/api/v1/invoices/{subject}",
    "org.healthbridge.invoice.paid": "/api/v1/invoices/{subject}",
    "org.healthbridge.payment.received": "/api/v1/payments/{subject}",
    "org.healthbridge.billing.milestone-reached": "/api/v1/billing-milestones/{subject}",
    "org.healthbridge.hl7.message-accepted": "/api/v1/hl7/messages/{subject}",
}
"""Route per event type without its version suffix; ``{subject}`` and ``{id}`` are filled."""

FALLBACK_TEMPLATE = "/api/v1/events/{id}"
"""For a type without a route of its own: the event as the governed API shows it."""

_VERSION = re.compile(r"\.v\d+$")


class PayloadBuilder:
    """Builds webhook bodies from CloudEvents (structured mode dicts)."""

    def __init__(self, api_base_url: str, templates: Mapping[str, str] | None = None) -> None:
        self._base = api_base_url.rstrip("/")
        self._templates = {**LINK_TEMPLATES, **(templates or {})}

    def link(self, event: Mapping[str, Any]) -> str:
        """The governed API URL that returns the details of ``event``."""
        unversioned = _VERSION.sub("", str(event["type"]))
        template = self._templates.get(unversioned, FALLBACK_TEMPLATE)
        subject = event.get("subject")
        if "{subject}" in template and not subject:
            template = FALLBACK_TEMPLATE
        path = template.format(
            subject=quote(str(subject or ""), safe=""), id=quote(str(event["id"]), safe="")
        )
        return self._base + path

    def body(self, event: Mapping[str, Any], *, full: bool) -> str:
        """The JSON body: thin (id, subject, link) or, when ``full``, with the event data."""
        data: dict[str, Any] = {
            "id": event["id"],
            "subject": event.get("subject"),
            "link": self.link(event),
        }
        if full:
            data["payload"] = event.get("data")
        envelope = {"type": event["type"], "timestamp": event.get("time"), "data": data}
        return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False, default=str)
