"""Canonical business objects: frozen pydantic models with no I/O, shared by every layer."""

from healthbridge.canonical.changes import (
    ChangeSource,
    OdooChange,
    OdooChangeError,
    RecordedChange,
    Watermark,
    format_odoo_datetime,
    odoo_datetime,
    sources_from_bits,
    to_utc_second,
)

__all__ = [
    "ChangeSource",
    "OdooChange",
    "OdooChangeError",
    "RecordedChange",
    "Watermark",
    "format_odoo_datetime",
    "odoo_datetime",
    "sources_from_bits",
    "to_utc_second",
]
