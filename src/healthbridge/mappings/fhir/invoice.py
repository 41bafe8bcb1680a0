"""FHIR Invoice <-> canonical Invoice.

Invoice notes are not carried (free text about the care billed may be clinical). A line
must name its charge item (by reference or code): a canonical line that has neither is
written with its description as the charge item's text, and refused without one.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.invoice import (
    Invoice,
    InvoiceLine,
    InvoiceParticipant,
    PriceComponent,
)
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.choices import read_item, write_item
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    money_json,
    put,
    read_concept,
    read_many,
    read_money,
    read_one,
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
    integer,
    temporal_json,
    text,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"draft", "issued", "balanced", "cancelled", "entered-in-error"})
COMPONENT_TYPES = frozenset({"base", "surcharge", "deduction", "discount", "tax", "informational"})


def fhir_to_invoice(resource: Any) -> Invoice:
    """Canonical Invoice from a FHIR R4 Invoice."""
    path = "Invoice"
    obj = open_resource(resource, path)
    status = code(obj, "status", path, STATUSES)
    if status is None:
        raise MappingError(f"{path}.status", "is required")
    return build(
        Invoice,
        path,
        identifiers=read_identifiers(obj, path),
        status=status,
        cancelled_reason=text(obj, "cancelledReason", path),
        type=read_one(obj, "type", path, read_concept),
        subject=read_one(obj, "subject", path, read_reference),
        recipient=read_one(obj, "recipient", path, read_reference),
        date=day_or_instant(obj, "date", path),
        participants=read_many(obj, "participant", path, _read_participant),
        issuer=read_one(obj, "issuer", path, read_reference),
        account=read_one(obj, "account", path, read_reference),
        lines=read_many(obj, "lineItem", path, _read_line),
        total_price_components=read_many(obj, "totalPriceComponent", path, read_price_component),
        total_net=read_one(obj, "totalNet", path, read_money),
        total_gross=read_one(obj, "totalGross", path, read_money),
        payment_terms=text(obj, "paymentTerms", path),
    )


def invoice_to_fhir(invoice: Invoice) -> dict[str, Any]:
    """FHIR R4 Invoice JSON for a canonical Invoice."""
    out = start_resource("Invoice", invoice.identifiers)
    out["status"] = invoice.status
    if invoice.cancelled_reason is not None:
        out["cancelledReason"] = invoice.cancelled_reason
    if invoice.type is not None:
        put(out, "type", concept_json(invoice.type))
    if invoice.subject is not None:
        put(out, "subject", reference_json(invoice.subject))
    if invoice.recipient is not None:
        put(out, "recipient", reference_json(invoice.recipient))
    if invoice.date is not None:
        out["date"] = temporal_json(invoice.date)
    if invoice.participants:
        out["participant"] = [_participant_json(item) for item in invoice.participants]
    if invoice.issuer is not None:
        put(out, "issuer", reference_json(invoice.issuer))
    if invoice.account is not None:
        put(out, "account", reference_json(invoice.account))
    if invoice.lines:
        out["lineItem"] = [_line_json(line, index) for index, line in enumerate(invoice.lines)]
    if invoice.total_price_components:
        out["totalPriceComponent"] = [
            price_component_json(item) for item in invoice.total_price_components
        ]
    if invoice.total_net is not None:
        out["totalNet"] = money_json(invoice.total_net)
    if invoice.total_gross is not None:
        out["totalGross"] = money_json(invoice.total_gross)
    if invoice.payment_terms is not None:
        out["paymentTerms"] = invoice.payment_terms
    return out


def read_price_component(value: Any, path: str) -> PriceComponent:
    """A FHIR Invoice price component (the type is required)."""
    obj = as_object(value, path)
    component_type = code(obj, "type", path, COMPONENT_TYPES)
    if component_type is None:
        raise MappingError(f"{path}.type", "is required")
    return build(
        PriceComponent,
        path,
        type=component_type,
        code=read_one(obj, "code", path, read_concept),
        factor=decimal(obj, "factor", path),
        amount=read_one(obj, "amount", path, read_money),
    )


def price_component_json(component: PriceComponent) -> dict[str, Any]:
    """A FHIR Invoice price component."""
    out: dict[str, Any] = {"type": component.type}
    if component.code is not None:
        put(out, "code", concept_json(component.code))
    if component.factor is not None:
        out["factor"] = decimal_json(component.factor)
    if component.amount is not None:
        out["amount"] = money_json(component.amount)
    return out


def _read_participant(value: Any, path: str) -> InvoiceParticipant:
    obj = as_object(value, path)
    actor = read_one(obj, "actor", path, read_reference)
    if actor is None:
        raise MappingError(f"{path}.actor", "is required")
    return build(
        InvoiceParticipant, path, role=read_one(obj, "role", path, read_concept), actor=actor
    )


def _participant_json(participant: InvoiceParticipant) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if participant.role is not None:
        put(out, "role", concept_json(participant.role))
    put(out, "actor", reference_json(participant.actor))
    return out


def _read_line(value: Any, path: str) -> InvoiceLine:
    obj = as_object(value, path)
    charge_item, charge_code = read_item(obj, "chargeItem", path, required=True)
    return build(
        InvoiceLine,
        path,
        sequence=integer(obj, "sequence", path, minimum=1),
        charge_item=charge_item,
        code=charge_code,
        price_components=read_many(obj, "priceComponent", path, read_price_component),
    )


def _line_json(line: InvoiceLine, index: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if line.sequence is not None:
        out["sequence"] = line.sequence
    if line.charge_item is None and line.code is None:
        if line.description is None:
            raise MappingError(
                f"Invoice.lineItem[{index}].chargeItem[x]",
                "the line has no charge item, code or description to bill",
            )
        out["chargeItemCodeableConcept"] = {"text": line.description}
    else:
        write_item(out, "chargeItem", line.charge_item, line.code)
    if line.price_components:
        out["priceComponent"] = [price_component_json(item) for item in line.price_components]
    return out
