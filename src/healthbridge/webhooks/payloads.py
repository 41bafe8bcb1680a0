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
    "org.healthbridge.partner.upserted": "/api/v1/accounts/{odoo_ref}/status",
    "org.healthbridge.partner.merged": "/api/v1/accounts/{odoo_ref}/status",
    "org.healthbridge.purchase.order-confirmed": "/fhir/R4/SupplyRequest/{record_id}",
    "org.healthbridge.invoice.posted": "/api/v1/invoices/{odoo_ref}",
    "org.healthbridge.invoice.paid": "/api/v1/invoices/{odoo_ref}",
    "org.healthbridge.billing.milestone-reached": "/api/v1/invoices/{odoo_ref}",
}
"""The governed route that returns an event's details, per type without its version.

``{record_id}`` and ``{odoo_ref}`` (``urn:healthbridge:odoo:<model>|<id>``) come from the
subject (``<model>/<id>``), ``{subject}`` and ``{id}`` are filled as they are."""

FALLBACK_TEMPLATE = "/api/v1/events/{id}"
"""For a type without a route of its own (stock levels, moves, payments, HL7 messages): the
event by its id, as the webhook fan-out stored it (``GET /api/v1/events/{id}``, scope
``events:read``, ``phi`` only with ``phi.read``)."""

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
        subject = str(event.get("subject") or "")
        model, _, record_id = subject.rpartition("/")
        needs_record = "{record_id}" in template or "{odoo_ref}" in template
        if (needs_record and not (model and record_id)) or (
            "{subject}" in template and not subject
        ):
            template = FALLBACK_TEMPLATE
        path = template.format(
            subject=quote(subject, safe=""),
            record_id=quote(record_id, safe=""),
            # The gateway names an Odoo record as ``urn:healthbridge:odoo:<model>|<id>``.
            odoo_ref=quote(f"urn:healthbridge:odoo:{model}|{record_id}", safe=""),
            id=quote(str(event["id"]), safe=""),
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
