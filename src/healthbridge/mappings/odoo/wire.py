"""Reading and writing Odoo wire values: ``False`` for empty, ``[id, name]``, UTC strings.

Odoo 19's search_read gives many2one as ``[id, "display name"]``, an empty value of any
type as ``False``, datetimes as ``"YYYY-MM-DD HH:MM:SS"`` in UTC and dates as
``"YYYY-MM-DD"``. :class:`RowReader` checks each value it reads against that shape and
raises :class:`OdooMappingError` naming the field, so a malformed row is rejected cleanly
and never half-mapped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.references import Reference
from healthbridge.mappings.odoo.errors import OdooMappingError

M = TypeVar("M", bound=BaseModel)


class RowReader:
    """Typed access to one search_read row of ``model``; absent keys read as empty."""

    __slots__ = ("model", "row")

    def __init__(self, row: Mapping[str, Any], model: str) -> None:
        if type(row) is not dict and not isinstance(row, Mapping):
            raise OdooMappingError(model, "*", "a row must be a mapping")
        self.row = row
        self.model = model

    def fail(self, field: str, reason: str) -> OdooMappingError:
        """The error for ``field`` of this row (raised by the caller)."""
        return OdooMappingError(self.model, field, reason)

    def id(self) -> int:
        """The record id, which every row must have."""
        value = self.row.get("id")
        if type(value) is not int or value <= 0:
            raise self.fail("id", "must be a positive integer")
        return value

    def text(self, field: str) -> str | None:
        """A char/text/html/selection value; ``False`` and ``""`` read as ``None``."""
        value = self.row.get(field, False)
        if type(value) is str:
            return value or None
        if value is False or value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(field, "must be text or false")
        return value or None

    def boolean(self, field: str) -> bool | None:
        """A boolean; absent reads as ``None`` (unknown), not as false."""
        value = self.row.get(field)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.fail(field, "must be a boolean")
        return value

    def number(self, field: str) -> Decimal | None:
        """A float, integer or monetary value as an exact decimal (from its shortest repr)."""
        value = self.row.get(field, False)
        if type(value) is float and math.isfinite(value):  # the usual case, checked first
            return Decimal(repr(value))
        if value is False or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, "must be a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(field, "must be a finite number")
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    def number_text(self, field: str) -> str | None:
        """The text :meth:`number` makes its decimal from (checked the same way).

        For values validated through a cache keyed by that text (prices, quantities):
        ``Decimal(text)`` is exactly ``number(field)``, one conversion fewer per read.
        """
        value = self.row.get(field, False)
        if type(value) is float and math.isfinite(value):  # the usual case, checked first
            return repr(value)
        number = self.number(field)
        return None if number is None else str(number)

    def integer(self, field: str) -> int | None:
        """An integer value (``False`` reads as ``None``)."""
        value = self.row.get(field, False)
        if value is False or value is None:
            return None
        if type(value) is not int:
            raise self.fail(field, "must be an integer")
        return value

    def many2one(self, field: str) -> tuple[int, str | None] | None:
        """A many2one as ``(id, display name)``; ``False`` reads as ``None``."""
        value = self.row.get(field, False)
        if value is False or value is None:
            return None
        if type(value) is list and len(value) == 2:  # the usual case, checked first
            record_id, label = value
            if type(record_id) is int and record_id > 0 and (type(label) is str or label is False):
                return record_id, label or None
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or type(value[0]) is not int
            or value[0] <= 0
            or not (isinstance(value[1], str) or value[1] is False)
        ):
            raise self.fail(field, "must be [id, name] or false")
        name: str | None = value[1] or None
        return value[0], name

    def ids(self, field: str) -> tuple[int, ...]:
        """A one2many or many2many as its ids."""
        value = self.row.get(field, False)
        if value is False or value is None:
            return ()
        if not isinstance(value, list | tuple) or any(
            type(item) is not int or item <= 0 for item in value
        ):
            raise self.fail(field, "must be a list of ids")
        return tuple(value)

    def instant(self, field: str) -> datetime | None:
        """A datetime (``YYYY-MM-DD HH:MM:SS``, UTC) as an aware datetime."""
        value = self.text(field)
        if value is None:
            return None
        if len(value) != 19 or value[10] != " ":
            raise self.fail(field, "must be a datetime as YYYY-MM-DD HH:MM:SS")
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            raise self.fail(field, "must be a datetime as YYYY-MM-DD HH:MM:SS") from None

    def day(self, field: str) -> date | None:
        """A date (``YYYY-MM-DD``)."""
        value = self.text(field)
        if value is None:
            return None
        if len(value) != 10:
            raise self.fail(field, "must be a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(field, "must be a date as YYYY-MM-DD") from None

    def choice(self, field: str, allowed: Mapping[str, str]) -> str | None:
        """A selection key translated through ``allowed``; an unknown key is an error."""
        value = self.text(field)
        if value is None:
            return None
        found = allowed.get(value)
        if found is None:
            raise self.fail(field, "is not a selection value this mapping knows")
        return found

    def reference(self, field: str, target: str, kind: str | None = None) -> Reference | None:
        """A many2one as a canonical Reference to the Odoo record of ``target``.

        The Reference is validated once per distinct link (see :func:`odoo_reference_model`):
        many rows point at the same company, partner or product.
        """
        link = self.many2one(field)
        if link is None:
            return None
        return odoo_reference_model(target, link[0], link[1], kind)


@lru_cache(maxsize=4096)
def odoo_reference_model(
    model: str, record_id: int, display: str | None, kind: str | None = None
) -> Reference:
    """:func:`odoo_reference` validated as a canonical Reference, cached per distinct link.

    Why: references repeat across rows (every invoice names the company, order lines name
    the same products), and a frozen Reference built from the same plain values is the same
    value, so it is validated once and shared instead of re-validated inside every object.
    """
    return Reference.model_validate(odoo_reference(model, record_id, display, kind))


def odoo_reference(
    model: str, record_id: int, display: str | None, kind: str | None = None
) -> dict[str, Any]:
    """A canonical Reference (dict) that finds Odoo record ``record_id`` of ``model``."""
    out: dict[str, Any] = {"identifier": {"system": odoo_system(model), "value": str(record_id)}}
    if kind is not None:
        out["type"] = kind
    if display is not None:
        out["display"] = display
    return out


def odoo_id(identifier: Any, model: str) -> int | None:
    """The Odoo id an identifier (or a Reference's identifier) names in ``model``, if any."""
    if identifier is None or identifier.system != odoo_system(model):
        return None
    value = identifier.value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def reference_id(reference: Any, model: str) -> int | None:
    """The Odoo id a canonical Reference points to in ``model``, if it does."""
    return None if reference is None else odoo_id(reference.identifier, model)


def identifier_value(identifiers: Any, system: str) -> str | None:
    """The value of the first identifier in ``system``."""
    return next((i.value for i in identifiers if i.system == system and i.value), None)


def odoo_datetime(value: date) -> str:
    """A date or aware datetime as Odoo writes datetimes (UTC, ``YYYY-MM-DD HH:MM:SS``)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return value.strftime("%Y-%m-%d 00:00:00")


def money(amount: Decimal | None, currency: str | None) -> dict[str, Any] | None:
    """Money (dict) when both the amount and its currency are known, else ``None``."""
    if amount is None or currency is None:
        return None
    return {"amount": amount, "currency": currency}


@contextmanager
def validating(model: str) -> Iterator[None]:
    """Turns a canonical validation failure into an OdooMappingError naming the field."""
    try:
        yield
    except ValidationError as error:
        first = error.errors()[0] if error.error_count() else {"loc": ("*",), "msg": ""}
        where = ".".join(str(part) for part in first["loc"]) or "*"
        raise OdooMappingError(model, where, "does not fit the canonical object") from None


def build(model_class: type[M], data: Mapping[str, Any], odoo_model: str) -> M:
    """``model_class.model_validate(data)``, failures as OdooMappingError for ``odoo_model``.

    The same as ``with validating(odoo_model)``, written out: this runs once per record.
    """
    try:
        return model_class.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0] if error.error_count() else {"loc": ("*",), "msg": ""}
        where = ".".join(str(part) for part in first["loc"]) or "*"
        raise OdooMappingError(odoo_model, where, "does not fit the canonical object") from None


def nonempty(**values: Any) -> dict[str, Any]:
    """The keyword arguments whose value is neither ``None`` nor an empty tuple or list.

    Checked by type, not by ``v != ()``: values are often canonical models, whose ``==``
    is a Python-level comparison.
    """
    return {
        k: v
        for k, v in values.items()
        if v is not None and not (not v and isinstance(v, tuple | list))
    }
