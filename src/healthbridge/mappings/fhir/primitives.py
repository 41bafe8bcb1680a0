"""Reading and writing FHIR JSON primitives, with a :class:`MappingError` naming the path.

Readers take the parent object, the element name and the parent's path, so the path
string is only built when something is wrong. Absent and ``null`` are the same; an empty
string or an empty object is invalid FHIR and is refused rather than guessed at.
Reduced-precision dates (``2014``, ``2014-08``) are refused too: canonical dates are
whole days, and instants carry their UTC offset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from healthbridge.mappings.fhir.errors import MappingError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2})?")

JsonObject = Mapping[str, Any]


def as_object(value: Any, path: str) -> JsonObject:
    """``value`` as a non-empty JSON object; refuses anything else and modifier extensions."""
    if not isinstance(value, Mapping):
        raise MappingError(path, "must be a JSON object")
    if not value:
        raise MappingError(path, "must not be an empty object")
    if value.get("modifierExtension") is not None:
        raise MappingError(
            f"{path}.modifierExtension", "modifier extensions change meaning and are refused"
        )
    return value


def child(parent: JsonObject, key: str, path: str) -> JsonObject | None:
    """The object element ``key`` of ``parent``, or None when absent."""
    value = parent.get(key)
    if value is None:
        return None
    return as_object(value, f"{path}.{key}")


def items(parent: JsonObject, key: str, path: str) -> list[Any]:
    """The array element ``key`` (empty when absent); items are checked by the caller."""
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MappingError(f"{path}.{key}", "must be a JSON array")
    return value


def text(parent: JsonObject, key: str, path: str) -> str | None:
    """A string element; refuses non-strings and empty strings."""
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise MappingError(f"{path}.{key}", "must be a non-empty string")
    return value


def required_text(parent: JsonObject, key: str, path: str) -> str:
    """A string element that FHIR or canonical requires."""
    value = text(parent, key, path)
    if value is None:
        raise MappingError(f"{path}.{key}", "is required")
    return value


def texts(parent: JsonObject, key: str, path: str) -> tuple[str, ...]:
    """An array of strings."""
    values = items(parent, key, path)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value:
            raise MappingError(f"{path}.{key}[{index}]", "must be a non-empty string")
    return tuple(values)


def boolean(parent: JsonObject, key: str, path: str) -> bool | None:
    """A boolean element."""
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise MappingError(f"{path}.{key}", "must be true or false")
    return value


def integer(parent: JsonObject, key: str, path: str, *, minimum: int = 0) -> int | None:
    """An integer element (``unsignedInt`` by default; ``minimum=1`` for ``positiveInt``)."""
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise MappingError(f"{path}.{key}", f"must be an integer of at least {minimum}")
    return value


def decimal(parent: JsonObject, key: str, path: str) -> Decimal | None:
    """A decimal element, exactly as written (``40`` stays ``40``, ``7000.0`` keeps its ``.0``)."""
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MappingError(f"{path}.{key}", "must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise MappingError(f"{path}.{key}", "must be a finite number")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def day(parent: JsonObject, key: str, path: str) -> date | None:
    """A FHIR ``date`` element as a whole calendar day."""
    value = text(parent, key, path)
    if value is None:
        return None
    if _DATE.fullmatch(value) is None:
        raise MappingError(f"{path}.{key}", _date_reason(value))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MappingError(f"{path}.{key}", "is not a valid calendar date") from None


def day_or_instant(parent: JsonObject, key: str, path: str) -> date | datetime | None:
    """A FHIR ``dateTime``/``instant`` element: a day, or an instant with its UTC offset."""
    value = text(parent, key, path)
    if value is None:
        return None
    if _DATE.fullmatch(value) is not None:
        return day(parent, key, path)
    if _INSTANT.fullmatch(value) is None:
        raise MappingError(f"{path}.{key}", _date_reason(value))
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise MappingError(f"{path}.{key}", "is not a valid date and time") from None


def _date_reason(value: str) -> str:
    if _PARTIAL_DATE.fullmatch(value) is not None:
        return "reduced-precision dates (year or year-month) are not supported"
    return "must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a UTC offset"


def code(parent: JsonObject, key: str, path: str, allowed: frozenset[str]) -> str | None:
    """A ``code`` element whose value set is ``allowed`` (a required FHIR binding)."""
    value = text(parent, key, path)
    if value is None:
        return None
    if value not in allowed:
        raise MappingError(f"{path}.{key}", "is not a code of the element's value set")
    return value


def decimal_json(value: Decimal) -> int | float:
    """A JSON number for ``value``: an int when it was written without decimals."""
    text = str(value)  # faster than as_tuple(); the exponent shows as "." or "E"
    if "." in text or "E" in text:
        return float(text)
    return int(text)


def temporal_json(value: date) -> str:
    """FHIR text for a day (``YYYY-MM-DD``) or an instant (seconds, then only needed digits)."""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.microsecond == 0:
        return value.isoformat(timespec="seconds")
    head, offset = value.isoformat(timespec="microseconds"), ""
    if value.utcoffset() is not None:
        head, offset = head[:-6], head[-6:]
    return head.rstrip("0") + offset
