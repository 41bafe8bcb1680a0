"""Turn a method's Python result into the JSON-ready value all three protocols send.

Odoo's ``json_default`` and XML-RPC marshaller render a datetime as ``YYYY-MM-DD HH:MM:SS``
(seconds, UTC, naive) and a date as ``YYYY-MM-DD``; tuples become arrays and a recordset
becomes its list of ids.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.reading import RenderedRows, render_datetime


def to_wire(value: Any) -> Any:
    """``value`` with datetimes, dates, tuples and recordsets made JSON-ready."""
    if type(value) is RenderedRows:
        return list(value)  # plain list: marshallers dispatch on the exact type
    if isinstance(value, list):
        if value and type(value[0]) is dict:
            return [_row(item) if type(item) is dict else to_wire(item) for item in value]
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        return _row(value)
    if isinstance(value, tuple):
        return [to_wire(item) for item in value]
    if isinstance(value, datetime):
        return render_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return list(value.ids)
    return value


def _row(row: dict[Any, Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, item in row.items():
        kind = type(item)
        if kind is str or kind is int or kind is bool or kind is float or item is None:
            out[key] = item
        else:
            out[key] = to_wire(item)
    return out
