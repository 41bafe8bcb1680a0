"""FHIR SupplyDelivery <-> canonical SupplyDelivery (at most one supplied item).

The patient a delivery was for is not carried: Odoo receives and moves stock, and does
not need to know whose care it served.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.delivery import SupplyDelivery, SupplyDeliveryLine
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.choices import (
    read_item,
    read_occurrence,
    write_item,
    write_occurrence,
)
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    put,
    put_all,
    quantity_json,
    read_concept,
    read_many,
    read_one,
    read_quantity,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import as_object, code
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"in-progress", "completed", "abandoned", "entered-in-error"})


def fhir_to_supply_delivery(resource: Any) -> SupplyDelivery:
    """Canonical SupplyDelivery from a FHIR R4 SupplyDelivery."""
    path = "SupplyDelivery"
    obj = open_resource(resource, path)
    occurrence, occurrence_period = read_occurrence(obj, path)
    line = read_one(obj, "suppliedItem", path, _read_line)
    return build(
        SupplyDelivery,
        path,
        identifiers=read_identifiers(obj, path),
        based_on=read_many(obj, "basedOn", path, read_reference),
        part_of=read_many(obj, "partOf", path, read_reference),
        status=code(obj, "status", path, STATUSES),
        type=read_one(obj, "type", path, read_concept),
        lines=() if line is None else (line,),
        occurrence=occurrence,
        occurrence_period=occurrence_period,
        supplier=read_one(obj, "supplier", path, read_reference),
        destination=read_one(obj, "destination", path, read_reference),
        receivers=read_many(obj, "receiver", path, read_reference),
    )


def supply_delivery_to_fhir(delivery: SupplyDelivery) -> dict[str, Any]:
    """FHIR R4 SupplyDelivery JSON for a delivery of at most one line."""
    if len(delivery.lines) > 1:
        raise MappingError("SupplyDelivery.suppliedItem", "a SupplyDelivery carries one item")
    out = start_resource("SupplyDelivery", delivery.identifiers)
    if delivery.based_on:
        put_all(out, "basedOn", [reference_json(reference) for reference in delivery.based_on])
    if delivery.part_of:
        put_all(out, "partOf", [reference_json(reference) for reference in delivery.part_of])
    if delivery.status is not None:
        out["status"] = delivery.status
    if delivery.type is not None:
        put(out, "type", concept_json(delivery.type))
    if delivery.lines:
        line = delivery.lines[0]
        item: dict[str, Any] = {}
        if line.quantity is not None:
            item["quantity"] = quantity_json(line.quantity)
        write_item(item, "item", line.product, line.product_code)
        put(out, "suppliedItem", item)
    write_occurrence(out, delivery.occurrence, delivery.occurrence_period)
    if delivery.supplier is not None:
        put(out, "supplier", reference_json(delivery.supplier))
    if delivery.destination is not None:
        put(out, "destination", reference_json(delivery.destination))
    if delivery.receivers:
        put_all(out, "receiver", [reference_json(reference) for reference in delivery.receivers])
    return out


def _read_line(value: Any, path: str) -> SupplyDeliveryLine:
    obj = as_object(value, path)
    product, product_code = read_item(obj, "item", path, required=False)
    return build(
        SupplyDeliveryLine,
        path,
        product=product,
        product_code=product_code,
        quantity=read_one(obj, "quantity", path, read_quantity),
    )
