"""FHIR PaymentReconciliation <-> canonical Payment (every R4 element is carried).

``direction`` is canonical's own (Odoo's inbound/outbound payment) and has no element in
a PaymentReconciliation, which is always the payer's statement of what it paid.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.payment import Payment, PaymentAllocation, PaymentNote
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    identifier_json,
    money_json,
    period_json,
    put,
    put_all,
    read_concept,
    read_identifier,
    read_many,
    read_money,
    read_one,
    read_period,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    as_object,
    code,
    day,
    day_or_instant,
    temporal_json,
    text,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"active", "cancelled", "draft", "entered-in-error"})
OUTCOMES = frozenset({"queued", "complete", "error", "partial"})
NOTE_TYPES = frozenset({"display", "print", "printoper"})


def fhir_to_payment(resource: Any) -> Payment:
    """Canonical Payment from a FHIR R4 PaymentReconciliation."""
    path = "PaymentReconciliation"
    obj = open_resource(resource, path)
    status = code(obj, "status", path, STATUSES)
    created = day_or_instant(obj, "created", path)
    payment_date = day(obj, "paymentDate", path)
    amount = read_one(obj, "paymentAmount", path, read_money)
    required = (
        ("status", status),
        ("created", created),
        ("paymentDate", payment_date),
        ("paymentAmount", amount),
    )
    for name, value in required:
        if value is None:
            raise MappingError(f"{path}.{name}", "is required")
    return build(
        Payment,
        path,
        identifiers=read_identifiers(obj, path),
        status=status,
        period=read_one(obj, "period", path, read_period),
        created=created,
        payment_issuer=read_one(obj, "paymentIssuer", path, read_reference),
        request=read_one(obj, "request", path, read_reference),
        requestor=read_one(obj, "requestor", path, read_reference),
        outcome=code(obj, "outcome", path, OUTCOMES),
        disposition=text(obj, "disposition", path),
        payment_date=payment_date,
        amount=amount,
        payment_identifier=read_one(obj, "paymentIdentifier", path, read_identifier),
        allocations=read_many(obj, "detail", path, _read_allocation),
        form_code=read_one(obj, "formCode", path, read_concept),
        process_notes=read_many(obj, "processNote", path, _read_note),
    )


def payment_to_fhir(payment: Payment) -> dict[str, Any]:
    """FHIR R4 PaymentReconciliation JSON for a canonical Payment."""
    out = start_resource("PaymentReconciliation", payment.identifiers)
    out["status"] = payment.status
    if payment.period is not None:
        put(out, "period", period_json(payment.period))
    out["created"] = temporal_json(payment.created)
    if payment.payment_issuer is not None:
        put(out, "paymentIssuer", reference_json(payment.payment_issuer))
    if payment.request is not None:
        put(out, "request", reference_json(payment.request))
    if payment.requestor is not None:
        put(out, "requestor", reference_json(payment.requestor))
    if payment.outcome is not None:
        out["outcome"] = payment.outcome
    if payment.disposition is not None:
        out["disposition"] = payment.disposition
    out["paymentDate"] = payment.payment_date.isoformat()
    out["paymentAmount"] = money_json(payment.amount)
    if payment.payment_identifier is not None:
        put(out, "paymentIdentifier", identifier_json(payment.payment_identifier))
    if payment.allocations:
        out["detail"] = [_allocation_json(item) for item in payment.allocations]
    if payment.form_code is not None:
        put(out, "formCode", concept_json(payment.form_code))
    if payment.process_notes:
        put_all(out, "processNote", [_note_json(note) for note in payment.process_notes])
    return out


def _read_allocation(value: Any, path: str) -> PaymentAllocation:
    obj = as_object(value, path)
    allocation_type = read_one(obj, "type", path, read_concept)
    if allocation_type is None:
        raise MappingError(f"{path}.type", "is required")
    return build(
        PaymentAllocation,
        path,
        identifier=read_one(obj, "identifier", path, read_identifier),
        predecessor=read_one(obj, "predecessor", path, read_identifier),
        type=allocation_type,
        request=read_one(obj, "request", path, read_reference),
        submitter=read_one(obj, "submitter", path, read_reference),
        response=read_one(obj, "response", path, read_reference),
        date=day(obj, "date", path),
        responsible=read_one(obj, "responsible", path, read_reference),
        payee=read_one(obj, "payee", path, read_reference),
        amount=read_one(obj, "amount", path, read_money),
    )


def _allocation_json(item: PaymentAllocation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if item.identifier is not None:
        put(out, "identifier", identifier_json(item.identifier))
    if item.predecessor is not None:
        put(out, "predecessor", identifier_json(item.predecessor))
    put(out, "type", concept_json(item.type))
    if item.request is not None:
        put(out, "request", reference_json(item.request))
    if item.submitter is not None:
        put(out, "submitter", reference_json(item.submitter))
    if item.response is not None:
        put(out, "response", reference_json(item.response))
    if item.date is not None:
        out["date"] = item.date.isoformat()
    if item.responsible is not None:
        put(out, "responsible", reference_json(item.responsible))
    if item.payee is not None:
        put(out, "payee", reference_json(item.payee))
    if item.amount is not None:
        out["amount"] = money_json(item.amount)
    return out


def _read_note(value: Any, path: str) -> PaymentNote:
    obj = as_object(value, path)
    return build(
        PaymentNote,
        path,
        type=code(obj, "type", path, NOTE_TYPES),
        text=text(obj, "text", path),
    )


def _note_json(note: PaymentNote) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if note.type is not None:
        out["type"] = note.type
    if note.text is not None:
        out["text"] = note.text
    return out
