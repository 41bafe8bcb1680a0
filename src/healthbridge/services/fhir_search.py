"""FHIR search parameters -> Odoo domains, for the resource types the facade serves.

Only what is listed in :data:`SEARCH_PARAMS` is implemented (the CapabilityStatement is
built from the same table, so it cannot claim more). ``_lastUpdated`` takes the FHIR
prefixes ``eq`` (default), ``gt``, ``ge``, ``lt``, ``le`` on a date or an instant; a date or
an instant without seconds means the whole period it names, as FHIR's precision rule says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType

from healthbridge.canonical.changes import format_odoo_datetime
from healthbridge.core.errors import InvalidRequestError
from healthbridge.services.partners import partner_domain
from healthbridge.services.ports import Domain

DEFAULT_COUNT = 20
MAX_COUNT = 100

COMMON_PARAMS: Mapping[str, str] = MappingProxyType(
    {
        "_id": "token",
        "_lastUpdated": "date",
        "_count": "number",
        "_offset": "number",
    }
)
"""Parameters every served type takes (``_offset`` drives the Bundle's paging links)."""

SEARCH_PARAMS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "Organization": MappingProxyType({"identifier": "token", "name": "string"}),
        "Patient": MappingProxyType({"identifier": "token", "name": "string"}),
        "Practitioner": MappingProxyType({"identifier": "token", "name": "string"}),
        "Location": MappingProxyType({"identifier": "token", "name": "string"}),
        "Invoice": MappingProxyType({"identifier": "token"}),
    }
)
"""Type-specific search parameters, by resource type (FHIR Invoice has no ``name``)."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A parsed search: the Odoo domain, the page asked for, and the parameters as given."""

    domain: Domain
    count: int
    offset: int


def parse_search(
    resource_type: str, params: list[tuple[str, str]], *, name_field: str, key_domain: KeyDomain
) -> SearchRequest:
    """The Odoo domain and page for ``params``; InvalidRequestError for anything unsupported."""
    allowed = {**COMMON_PARAMS, **SEARCH_PARAMS[resource_type]}
    domain: list[object] = []
    count, offset = DEFAULT_COUNT, 0
    for name, value in params:
        if name.startswith("_format") or name == "_pretty":
            continue
        if name not in allowed:
            raise InvalidRequestError(
                f"{resource_type} does not support the search parameter {name!r}",
                details={"supported": sorted(allowed)},
            )
        if name == "_count":
            count = min(_number(name, value), MAX_COUNT)
        elif name == "_offset":
            offset = _number(name, value)
        elif name == "_id":
            domain.append(("id", "in", _ids(value)))
        elif name == "_lastUpdated":
            domain.extend(last_updated_domain(value))
        elif name == "name":
            domain.append((name_field, "ilike", value))
        elif name == "identifier":
            domain.extend(_any_of([key_domain(*_token(v)) for v in value.split(",")]))
    return SearchRequest(domain=domain, count=count, offset=offset)


class KeyDomain:
    """How an identifier token finds records of one Odoo model (a callable, by type)."""

    def __init__(self, model: str, fields: tuple[str, ...]) -> None:
        self._model = model
        self._fields = fields

    def __call__(self, system: str | None, value: str) -> Domain:
        """The domain matching ``system|value`` on this model's key fields."""
        if self._model == "res.partner":
            return partner_domain(system, value)
        if system == f"urn:healthbridge:odoo:{self._model}":
            return [("id", "=", int(value) if value.isdigit() else 0)]
        if system and system.startswith(f"urn:healthbridge:odoo-field:{self._model}:"):
            field = system.rpartition(":")[2]
            if field in self._fields:
                return [(field, "=", value)]
        return _any_of([[(field, "=", value)] for field in self._fields])


def last_updated_domain(value: str) -> Domain:
    """``write_date`` bounds for one ``_lastUpdated`` value."""
    prefix, text = value[:2], value[2:]
    if prefix not in ("eq", "ne", "gt", "ge", "lt", "le", "sa", "eb", "ap"):
        prefix, text = "eq", value
    if prefix not in ("eq", "gt", "ge", "lt", "le"):
        raise InvalidRequestError("_lastUpdated supports the prefixes eq, gt, ge, lt and le")
    start, end = _period(text)
    first, after = format_odoo_datetime(start), format_odoo_datetime(end)
    if prefix == "eq":
        return [("write_date", ">=", first), ("write_date", "<", after)]
    if prefix == "gt":
        return [("write_date", ">=", after)]
    if prefix == "ge":
        return [("write_date", ">=", first)]
    if prefix == "lt":
        return [("write_date", "<", first)]
    return [("write_date", "<", after)]


def _period(text: str) -> tuple[datetime, datetime]:
    try:
        if len(text) == 4:
            return _year(int(text))
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            return start, end
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequestError("_lastUpdated must be a FHIR date or dateTime") from None
    if moment.tzinfo is None:
        raise InvalidRequestError("_lastUpdated with a time must carry a time zone")
    moment = moment.astimezone(UTC)
    clock = text[11:]
    has_seconds = len(clock) >= 8 and clock[5] == ":"
    step = timedelta(seconds=1) if has_seconds else timedelta(minutes=1)
    return moment.replace(microsecond=0), moment.replace(microsecond=0) + step


def _year(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _number(name: str, value: str) -> int:
    if not value.isdigit():
        raise InvalidRequestError(f"{name} must be a non-negative integer")
    return int(value)


def _ids(value: str) -> list[int]:
    parts = [part.strip() for part in value.split(",")]
    if not all(part.isdigit() for part in parts):
        raise InvalidRequestError("_id takes logical ids (digits), comma-separated")
    return [int(part) for part in parts]


def _token(value: str) -> tuple[str | None, str]:
    system, sep, code = value.partition("|")
    if not sep:
        return None, value
    return (system or None), code


def _any_of(domains: list[Domain]) -> Domain:
    domains = [d for d in domains if d]
    if not domains:
        return []
    out: list[object] = ["|"] * (len(domains) - 1)
    for domain in domains:
        out.extend(["&"] * (_expressions(domain) - 1))
        out.extend(domain)
    return out


def _expressions(domain: Domain) -> int:
    """How many top-level expressions (implicitly and-ed) a prefix-notation domain holds."""
    count, needed = 0, 0
    for term in domain:
        if needed == 0:
            count, needed = count + 1, 1
        needed -= 1
        if term in ("&", "|"):
            needed += 2
        elif term == "!":
            needed += 1
    return count
