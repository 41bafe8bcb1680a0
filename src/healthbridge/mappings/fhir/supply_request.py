"""FHIR SupplyRequest <-> canonical SupplyOrder (one item per request).

A SupplyRequest asks for one item; a canonical order may have many lines, so only
single-line orders have a SupplyRequest form. The reason for the request is not carried
(it may be clinical), nor are the request's free parameters or a Timing occurrence.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.orders import SupplyOrder, SupplyOrderLine
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
from healthbridge.mappings.fhir.primitives import code, day_or_instant, temporal_json
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset(
    {"draft", "active", "suspended", "cancelled", "completed", "entered-in-error", "unknown"}
)
PRIORITIES = frozenset({"routine", "urgent", "asap", "stat"})


def fhir_to_supply_order(resource: Any) -> SupplyOrder:
    """Canonical single-line SupplyOrder from a FHIR R4 SupplyRequest."""
    path = "SupplyRequest"
    obj = open_resource(resource, path)
    product, product_code = read_item(obj, "item", path, required=True)
    quantity = read_one(obj, "quantity", path, read_quantity)
    if quantity is None:
        raise MappingError(f"{path}.quantity", "is required")
    line = build(
        SupplyOrderLine, path, product=product, product_code=product_code, quantity=quantity
    )
    occurrence, occurrence_period = read_occurrence(obj, path)
    return build(
        SupplyOrder,
        path,
        identifiers=read_identifiers(obj, path),
        status=code(obj, "status", path, STATUSES),
        category=read_one(obj, "category", path, read_concept),
        priority=code(obj, "priority", path, PRIORITIES),
        lines=(line,),
        occurrence=occurrence,
        occurrence_period=occurrence_period,
        authored_on=day_or_instant(obj, "authoredOn", path),
        requester=read_one(obj, "requester", path, read_reference),
        suppliers=read_many(obj, "supplier", path, read_reference),
        deliver_from=read_one(obj, "deliverFrom", path, read_reference),
        deliver_to=read_one(obj, "deliverTo", path, read_reference),
    )


def supply_order_to_fhir(order: SupplyOrder) -> dict[str, Any]:
    """FHIR R4 SupplyRequest JSON for a single-line SupplyOrder (unit prices have no place)."""
    if len(order.lines) != 1:
        raise MappingError("SupplyRequest.item[x]", "a SupplyRequest carries exactly one line")
    line = order.lines[0]
    out = start_resource("SupplyRequest", order.identifiers)
    if order.status is not None:
        out["status"] = order.status
    if order.category is not None:
        put(out, "category", concept_json(order.category))
    if order.priority is not None:
        out["priority"] = order.priority
    write_item(out, "item", line.product, line.product_code)
    out["quantity"] = quantity_json(line.quantity)
    write_occurrence(out, order.occurrence, order.occurrence_period)
    if order.authored_on is not None:
        out["authoredOn"] = temporal_json(order.authored_on)
    if order.requester is not None:
        put(out, "requester", reference_json(order.requester))
    if order.suppliers:
        put_all(out, "supplier", [reference_json(reference) for reference in order.suppliers])
    if order.deliver_from is not None:
        put(out, "deliverFrom", reference_json(order.deliver_from))
    if order.deliver_to is not None:
        put(out, "deliverTo", reference_json(order.deliver_to))
    return out
