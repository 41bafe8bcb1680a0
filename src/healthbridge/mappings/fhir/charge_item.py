"""FHIR ChargeItem <-> canonical Charge.

The diagnoses a charge is justified by (``reason``), the procedures or observations it
bills for (``service``), the body site, notes and supporting information are clinical
and are not carried.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.charge import Charge, ChargePerformer
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.choices import (
    read_item,
    read_occurrence,
    write_item,
    write_occurrence,
)
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    money_json,
    put,
    put_all,
    quantity_json,
    read_concept,
    read_many,
    read_money,
    read_one,
    read_quantity,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    as_object,
    code,
    day_or_instant,
    decimal,
    decimal_json,
    temporal_json,
    text,
    texts,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset(
    {"planned", "billable", "not-billable", "aborted", "billed", "entered-in-error", "unknown"}
)


def fhir_to_charge(resource: Any) -> Charge:
    """Canonical Charge from a FHIR R4 ChargeItem."""
    path = "ChargeItem"
    obj = open_resource(resource, path)
    status = code(obj, "status", path, STATUSES)
    charge_code = read_one(obj, "code", path, read_concept)
    subject = read_one(obj, "subject", path, read_reference)
    for name, value in (("status", status), ("code", charge_code), ("subject", subject)):
        if value is None:
            raise MappingError(f"{path}.{name}", "is required")
    occurrence, occurrence_period = read_occurrence(obj, path)
    product, product_code = read_item(obj, "product", path, required=False)
    return build(
        Charge,
        path,
        identifiers=read_identifiers(obj, path),
        definition_uris=texts(obj, "definitionUri", path),
        definition_canonicals=texts(obj, "definitionCanonical", path),
        status=status,
        part_of=read_many(obj, "partOf", path, read_reference),
        code=charge_code,
        subject=subject,
        context=read_one(obj, "context", path, read_reference),
        occurrence=occurrence,
        occurrence_period=occurrence_period,
        performers=read_many(obj, "performer", path, _read_performer),
        performing_organization=read_one(obj, "performingOrganization", path, read_reference),
        requesting_organization=read_one(obj, "requestingOrganization", path, read_reference),
        cost_center=read_one(obj, "costCenter", path, read_reference),
        quantity=read_one(obj, "quantity", path, read_quantity),
        factor_override=decimal(obj, "factorOverride", path),
        price_override=read_one(obj, "priceOverride", path, read_money),
        override_reason=text(obj, "overrideReason", path),
        enterer=read_one(obj, "enterer", path, read_reference),
        entered_date=day_or_instant(obj, "enteredDate", path),
        accounts=read_many(obj, "account", path, read_reference),
        product=product,
        product_code=product_code,
    )


def charge_to_fhir(charge: Charge) -> dict[str, Any]:
    """FHIR R4 ChargeItem JSON for a canonical Charge."""
    out = start_resource("ChargeItem", charge.identifiers)
    if charge.definition_uris:
        out["definitionUri"] = list(charge.definition_uris)
    if charge.definition_canonicals:
        out["definitionCanonical"] = list(charge.definition_canonicals)
    out["status"] = charge.status
    if charge.part_of:
        put_all(out, "partOf", [reference_json(reference) for reference in charge.part_of])
    put(out, "code", concept_json(charge.code))
    put(out, "subject", reference_json(charge.subject))
    if charge.context is not None:
        put(out, "context", reference_json(charge.context))
    write_occurrence(out, charge.occurrence, charge.occurrence_period)
    if charge.performers:
        out["performer"] = [_performer_json(performer) for performer in charge.performers]
    if charge.performing_organization is not None:
        put(out, "performingOrganization", reference_json(charge.performing_organization))
    if charge.requesting_organization is not None:
        put(out, "requestingOrganization", reference_json(charge.requesting_organization))
    if charge.cost_center is not None:
        put(out, "costCenter", reference_json(charge.cost_center))
    if charge.quantity is not None:
        out["quantity"] = quantity_json(charge.quantity)
    if charge.factor_override is not None:
        out["factorOverride"] = decimal_json(charge.factor_override)
    if charge.price_override is not None:
        out["priceOverride"] = money_json(charge.price_override)
    if charge.override_reason is not None:
        out["overrideReason"] = charge.override_reason
    if charge.enterer is not None:
        put(out, "enterer", reference_json(charge.enterer))
    if charge.entered_date is not None:
        out["enteredDate"] = temporal_json(charge.entered_date)
    if charge.accounts:
        put_all(out, "account", [reference_json(reference) for reference in charge.accounts])
    write_item(out, "product", charge.product, charge.product_code)
    return out


def _read_performer(value: Any, path: str) -> ChargePerformer:
    obj = as_object(value, path)
    actor = read_one(obj, "actor", path, read_reference)
    if actor is None:
        raise MappingError(f"{path}.actor", "is required")
    return build(
        ChargePerformer,
        path,
        function=read_one(obj, "function", path, read_concept),
        actor=actor,
    )


def _performer_json(performer: ChargePerformer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if performer.function is not None:
        put(out, "function", concept_json(performer.function))
    put(out, "actor", reference_json(performer.actor))
    return out
