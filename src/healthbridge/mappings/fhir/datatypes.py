"""FHIR R4 general-purpose data types <-> canonical values, in both directions.

Readers turn a JSON object into a canonical value (``read_*``), writers build the FHIR
JSON object back (``*_json``), leaving out what is absent so that FHIR -> canonical ->
FHIR gives back what came in. Element ids and extensions inside data types are not kept
(see ``loss.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.coding import Coding, Concept
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.periods import Period
from healthbridge.canonical.references import Reference
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    JsonObject,
    as_object,
    boolean,
    code,
    day_or_instant,
    decimal,
    decimal_json,
    integer,
    items,
    temporal_json,
    text,
    texts,
)

T = TypeVar("T")

IDENTIFIER_USES = frozenset({"usual", "official", "temp", "secondary", "old"})
NAME_USES = frozenset({"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"})
ADDRESS_USES = frozenset({"home", "work", "temp", "old", "billing"})
ADDRESS_TYPES = frozenset({"postal", "physical", "both"})
TELECOM_SYSTEMS = frozenset({"phone", "fax", "email", "pager", "url", "sms", "other"})
TELECOM_USES = frozenset({"home", "work", "temp", "old", "mobile"})
QUANTITY_COMPARATORS = frozenset({"<", "<=", ">=", ">"})


def put(out: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    """Sets ``out[key]`` unless ``value`` is empty: FHIR forbids empty objects."""
    if value:
        out[key] = value


def put_all(out: dict[str, Any], key: str, values: list[dict[str, Any]]) -> None:
    """Sets ``out[key]`` to the non-empty ``values``, unless none is left."""
    if not all(values):
        values = [value for value in values if value]
    if values:
        out[key] = values


def read_many(
    parent: JsonObject, key: str, path: str, reader: Callable[[Any, str], T]
) -> tuple[T, ...]:
    """Every item of array ``key`` read with ``reader``, each with its own indexed path.

    Items that carry nothing canonical keeps (an address holding only a data-absent
    extension) are left out rather than kept as empty values.
    """
    read = (
        reader(value, f"{path}.{key}[{index}]")
        for index, value in enumerate(items(parent, key, path))
    )
    return tuple(value for value in read if _has_content(value))


def read_one(parent: JsonObject, key: str, path: str, reader: Callable[[Any, str], T]) -> T | None:
    """Element ``key`` read with ``reader``; None when absent or when nothing in it is kept."""
    value = parent.get(key)
    if value is None:
        return None
    read = reader(value, f"{path}.{key}")
    return read if _has_content(read) else None


def _has_content(value: object) -> bool:
    if isinstance(value, BaseModel):
        return any(item is not None and item != () for item in value.__dict__.values())
    return True


def read_coding(value: Any, path: str) -> Coding:
    """A FHIR Coding."""
    obj = as_object(value, path)
    return build(
        Coding,
        path,
        system=text(obj, "system", path),
        version=text(obj, "version", path),
        code=text(obj, "code", path),
        display=text(obj, "display", path),
        user_selected=boolean(obj, "userSelected", path),
    )


def coding_json(coding: Coding) -> dict[str, Any]:
    """A FHIR Coding."""
    out: dict[str, Any] = {}
    if coding.system is not None:
        out["system"] = coding.system
    if coding.version is not None:
        out["version"] = coding.version
    if coding.code is not None:
        out["code"] = coding.code
    if coding.display is not None:
        out["display"] = coding.display
    if coding.user_selected is not None:
        out["userSelected"] = coding.user_selected
    return out


def read_concept(value: Any, path: str) -> Concept:
    """A FHIR CodeableConcept."""
    obj = as_object(value, path)
    return build(
        Concept,
        path,
        codings=read_many(obj, "coding", path, read_coding),
        text=text(obj, "text", path),
    )


def concept_json(concept: Concept) -> dict[str, Any]:
    """A FHIR CodeableConcept."""
    out: dict[str, Any] = {}
    if concept.codings:
        put_all(out, "coding", [coding_json(coding) for coding in concept.codings])
    if concept.text is not None:
        out["text"] = concept.text
    return out


def read_identifier(value: Any, path: str) -> Identifier:
    """A FHIR Identifier (its period and assigner are not kept)."""
    obj = as_object(value, path)
    return build(
        Identifier,
        path,
        use=code(obj, "use", path, IDENTIFIER_USES),
        type=read_one(obj, "type", path, read_concept),
        system=text(obj, "system", path),
        value=text(obj, "value", path),
    )


def identifier_json(identifier: Identifier) -> dict[str, Any]:
    """A FHIR Identifier."""
    out: dict[str, Any] = {}
    if identifier.use is not None:
        out["use"] = identifier.use
    if identifier.type is not None:
        put(out, "type", concept_json(identifier.type))
    if identifier.system is not None:
        out["system"] = identifier.system
    if identifier.value is not None:
        out["value"] = identifier.value
    return out


def read_reference(value: Any, path: str) -> Reference:
    """A FHIR Reference: literal reference, type, logical identifier and display."""
    obj = as_object(value, path)
    return build(
        Reference,
        path,
        reference=text(obj, "reference", path),
        type=text(obj, "type", path),
        identifier=read_one(obj, "identifier", path, read_identifier),
        display=text(obj, "display", path),
    )


def reference_json(reference: Reference) -> dict[str, Any]:
    """A FHIR Reference."""
    out: dict[str, Any] = {}
    if reference.reference is not None:
        out["reference"] = reference.reference
    if reference.type is not None:
        out["type"] = reference.type
    if reference.identifier is not None:
        put(out, "identifier", identifier_json(reference.identifier))
    if reference.display is not None:
        out["display"] = reference.display
    return out


def read_period(value: Any, path: str) -> Period:
    """A FHIR Period."""
    obj = as_object(value, path)
    return build(
        Period,
        path,
        start=day_or_instant(obj, "start", path),
        end=day_or_instant(obj, "end", path),
    )


def period_json(period: Period) -> dict[str, Any]:
    """A FHIR Period."""
    out: dict[str, Any] = {}
    if period.start is not None:
        out["start"] = temporal_json(period.start)
    if period.end is not None:
        out["end"] = temporal_json(period.end)
    return out


def read_money(value: Any, path: str) -> Money:
    """A FHIR Money; both the value and the currency are required by canonical."""
    obj = as_object(value, path)
    amount = decimal(obj, "value", path)
    currency = text(obj, "currency", path)
    if amount is None:
        raise MappingError(f"{path}.value", "is required for an amount of money")
    if currency is None:
        raise MappingError(f"{path}.currency", "is required: money without currency is refused")
    return build(Money, path, amount=amount, currency=currency)


def money_json(money: Money) -> dict[str, Any]:
    """A FHIR Money."""
    return {"value": decimal_json(money.amount), "currency": money.currency}


def read_quantity(value: Any, path: str) -> Quantity:
    """A FHIR Quantity with a value; comparators (``<``, ``>=``...) are refused."""
    obj = as_object(value, path)
    if obj.get("comparator") is not None:
        raise MappingError(f"{path}.comparator", "quantities with a comparator are refused")
    amount = decimal(obj, "value", path)
    if amount is None:
        raise MappingError(f"{path}.value", "is required")
    return build(
        Quantity,
        path,
        value=amount,
        unit=text(obj, "unit", path),
        system=text(obj, "system", path),
        code=text(obj, "code", path),
    )


def quantity_json(quantity: Quantity) -> dict[str, Any]:
    """A FHIR Quantity."""
    out: dict[str, Any] = {"value": decimal_json(quantity.value)}
    if quantity.unit is not None:
        out["unit"] = quantity.unit
    if quantity.system is not None:
        out["system"] = quantity.system
    if quantity.code is not None:
        out["code"] = quantity.code
    return out


def read_human_name(value: Any, path: str) -> HumanName:
    """A FHIR HumanName (its period is not kept)."""
    obj = as_object(value, path)
    return build(
        HumanName,
        path,
        use=code(obj, "use", path, NAME_USES),
        text=text(obj, "text", path),
        family=text(obj, "family", path),
        given=texts(obj, "given", path),
        prefix=texts(obj, "prefix", path),
        suffix=texts(obj, "suffix", path),
    )


def human_name_json(name: HumanName) -> dict[str, Any]:
    """A FHIR HumanName."""
    out: dict[str, Any] = {}
    if name.use is not None:
        out["use"] = name.use
    if name.text is not None:
        out["text"] = name.text
    if name.family is not None:
        out["family"] = name.family
    if name.given:
        out["given"] = list(name.given)
    if name.prefix:
        out["prefix"] = list(name.prefix)
    if name.suffix:
        out["suffix"] = list(name.suffix)
    return out


def read_address(value: Any, path: str) -> Address:
    """A FHIR Address (its period is not kept)."""
    obj = as_object(value, path)
    return build(
        Address,
        path,
        use=code(obj, "use", path, ADDRESS_USES),
        type=code(obj, "type", path, ADDRESS_TYPES),
        text=text(obj, "text", path),
        lines=texts(obj, "line", path),
        city=text(obj, "city", path),
        district=text(obj, "district", path),
        state=text(obj, "state", path),
        postal_code=text(obj, "postalCode", path),
        country=text(obj, "country", path),
    )


def address_json(address: Address) -> dict[str, Any]:
    """A FHIR Address."""
    out: dict[str, Any] = {}
    if address.use is not None:
        out["use"] = address.use
    if address.type is not None:
        out["type"] = address.type
    if address.text is not None:
        out["text"] = address.text
    if address.lines:
        out["line"] = list(address.lines)
    if address.city is not None:
        out["city"] = address.city
    if address.district is not None:
        out["district"] = address.district
    if address.state is not None:
        out["state"] = address.state
    if address.postal_code is not None:
        out["postalCode"] = address.postal_code
    if address.country is not None:
        out["country"] = address.country
    return out


def read_contact_point(value: Any, path: str) -> ContactPoint:
    """A FHIR ContactPoint (its period is not kept)."""
    obj = as_object(value, path)
    return build(
        ContactPoint,
        path,
        system=code(obj, "system", path, TELECOM_SYSTEMS),
        value=text(obj, "value", path),
        use=code(obj, "use", path, TELECOM_USES),
        rank=integer(obj, "rank", path, minimum=1),
    )


def contact_point_json(point: ContactPoint) -> dict[str, Any]:
    """A FHIR ContactPoint."""
    out: dict[str, Any] = {}
    if point.system is not None:
        out["system"] = point.system
    if point.value is not None:
        out["value"] = point.value
    if point.use is not None:
        out["use"] = point.use
    if point.rank is not None:
        out["rank"] = point.rank
    return out
