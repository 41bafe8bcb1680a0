"""JSON in and out of Odoo's JSON APIs.

The stdlib ``json`` module: a ``search_read`` of 80 rows decodes in tens of
microseconds, far below one HTTP round trip, so a faster third-party codec would not
show in the connector's throughput (see benchmarks/odoo_connector.py).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"
ODOO_DATE = "%Y-%m-%d"


def _odoo_default(value: object) -> object:
    """Odoo's own JSON form for values stdlib json cannot encode."""
    if isinstance(value, datetime):
        # Odoo stores naive UTC; an aware value is converted, a naive one taken as UTC.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime(ODOO_DATETIME)
    if isinstance(value, date):
        return value.strftime(ODOO_DATE)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot send a {type(value).__name__} to Odoo as JSON")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_odoo_default)


def encode(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, dates in Odoo's string form."""
    return _ENCODER.encode(value).encode("utf-8")


def decode(body: bytes) -> Any:
    """The JSON value in ``body``; raises ``ValueError`` if it is not JSON."""
    return json.loads(body)
