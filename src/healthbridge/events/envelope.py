"""The CloudEvents 1.0 envelope of every event, in *binary* content mode on NATS.

**Why binary mode.** The CloudEvents attributes travel as ``ce-*`` NATS headers and the
message body is the event's data alone (JSON). A consumer, a monitoring tool or the
``nats`` CLI can filter and route on ``ce-type`` or ``ce-subject`` without parsing a JSON
body, the dedupe header ``Nats-Msg-Id`` and the W3C ``traceparent`` sit beside them, and
the body that is stored is exactly the contract-validated data (with phi fields sealed).
Handlers and webhooks receive the same event as a *structured-mode* dict (attributes and
``data`` in one JSON object), which :meth:`Envelope.structured` builds.

The event id is derived from the source change: one Odoo change version (model, id,
``write_date``) gives one id for each event type, however often the change is seen, so
JetStream drops a re-publish (``Nats-Msg-Id``) and a subscriber can dedupe on ``id``.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from healthbridge.events.errors import UnknownEventTypeError

SPECVERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"
MSG_ID_HEADER: Final = "Nats-Msg-Id"
TRACEPARENT_HEADER: Final = "traceparent"
PHI_KEY_EXTENSION: Final = "phikeyid"
"""CloudEvents extension naming the key that sealed the phi fields of ``data``."""

EVENT_ID_NAMESPACE: Final = uuid.UUID("0b6c1d55-6f5e-4b0e-9a59-3f2d0c7a9e11")
TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

_ATTRIBUTES: Final = ("id", "source", "type", "subject", "time", "dataschema")


class MalformedEventError(UnknownEventTypeError):
    """A message on an event stream is not a CloudEvent the hub wrote."""

    code = "events.malformed"


def event_id(event_type: str, source_key: str) -> str:
    """The id of the ``event_type`` event derived from ``source_key`` (stable, a UUIDv5)."""
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{event_type}|{source_key}"))


def new_traceparent() -> str:
    """A fresh W3C traceparent (sampled) for an event that starts a trace."""
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def check_traceparent(value: str) -> str:
    """``value`` when it is a valid W3C traceparent (version 00); else ValueError."""
    if not TRACEPARENT.match(value) or value[3:35] == "0" * 32 or value[36:52] == "0" * 16:
        raise ValueError("not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)")
    return value


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event as it is stored: CloudEvents attributes plus ``data`` with phi sealed."""

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: Mapping[str, Any]
    traceparent: str
    dataschema: str | None = None
    phikeyid: str | None = None

    def headers(self, msg_id: str | None = None) -> dict[str, str]:
        """The NATS headers of the binary-mode message (``Nats-Msg-Id`` defaults to ``id``)."""
        headers = {
            "ce-specversion": SPECVERSION,
            "ce-id": self.id,
            "ce-source": self.source,
            "ce-type": self.type,
            "ce-subject": self.subject,
            "ce-time": self.time.isoformat().replace("+00:00", "Z"),
            "ce-traceparent": self.traceparent,
            "content-type": CONTENT_TYPE,
            TRACEPARENT_HEADER: self.traceparent,
            MSG_ID_HEADER: msg_id or self.id,
        }
        if self.dataschema:
            headers["ce-dataschema"] = self.dataschema
        if self.phikeyid:
            headers[f"ce-{PHI_KEY_EXTENSION}"] = self.phikeyid
        return headers

    def body(self) -> bytes:
        """The message body: ``data`` as compact JSON."""
        return json.dumps(self.data, separators=(",", ":"), sort_keys=True).encode()

    def structured(self, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The structured-mode CloudEvent dict, with ``data`` (or the given projection)."""
        return {
            "specversion": SPECVERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "datacontenttype": CONTENT_TYPE,
            "data": dict(self.data if data is None else data),
            "traceparent": self.traceparent,
        }

    @classmethod
    def from_message(cls, headers: Mapping[str, str] | None, body: bytes) -> Envelope:
        """Read a binary-mode message back; ``MalformedEventError`` when it is not one."""
        headers = headers or {}
        if headers.get("ce-specversion") != SPECVERSION:
            raise MalformedEventError("the message is not a CloudEvents 1.0 binary-mode event")
        missing = [name for name in _ATTRIBUTES[:5] if not headers.get(f"ce-{name}")]
        if missing:
            raise MalformedEventError(
                f"the event lacks ce-{', ce-'.join(missing)}", details={"missing": missing}
            )
        try:
            data = json.loads(body) if body else {}
            moment = datetime.fromisoformat(headers["ce-time"])
        except ValueError:
            raise MalformedEventError("the event's data or time cannot be read") from None
        if not isinstance(data, dict):
            raise MalformedEventError("the event's data is not a JSON object")
        return cls(
            id=headers["ce-id"],
            source=headers["ce-source"],
            type=headers["ce-type"],
            subject=headers["ce-subject"],
            time=moment,
            data=data,
            traceparent=headers.get("ce-traceparent")
            or headers.get(TRACEPARENT_HEADER)
            or new_traceparent(),
            dataschema=headers.get("ce-dataschema"),
            phikeyid=headers.get(f"ce-{PHI_KEY_EXTENSION}"),
        )
