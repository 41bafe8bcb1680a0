"""Invoice-to-payer use cases on Odoo: read the invoice, build the FHIR Claim, register
the payment, each safe to replay.

The Claim carries identifiers only (the invoice number and the member's coverage
reference), never clinical detail. The payment's ``memo`` holds the workflow id, so a
replayed registration finds the payment it made instead of paying twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from healthbridge.core.errors import ConflictError
from healthbridge.services.ports import OdooPort

INVOICE = "account.move"
PAYMENT = "account.payment"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
CLAIM_IDENTIFIER = "urn:healthbridge:claim"


class InvoiceNotClaimableError(ConflictError):
    """Only a posted customer invoice can be claimed."""

    code = "payer_claim.invoice_not_claimable"


@dataclass(frozen=True, slots=True)
class InvoiceFacts:
    """What a claim needs from an Odoo invoice."""

    invoice_id: int
    number: str
    partner_id: int
    amount_total: float
    currency: str
    invoice_date: date | None


@dataclass(frozen=True, slots=True)
class PaymentRef:
    """The Odoo payment registered for a claim, and the invoice's payment state after it."""

    payment_id: int
    invoice_payment_state: str


def _id(value: Any) -> int:
    return int(value[0]) if isinstance(value, list | tuple) and value else int(value or 0)


async def read_invoice(odoo: OdooPort, invoice_id: int) -> InvoiceFacts:
    """The invoice's facts; raises ``InvoiceNotClaimableError`` unless it is a posted invoice."""
    records = await odoo.read(
        INVOICE,
        [invoice_id],
        ["name", "state", "move_type", "partner_id", "amount_total", "currency_id", "invoice_date"],
    )
    if not records or records[0]["state"] != "posted" or records[0]["move_type"] != "out_invoice":
        raise InvoiceNotClaimableError(
            "only a posted customer invoice can be claimed", details={"invoice": invoice_id}
        )
    record = records[0]
    currency = record["currency_id"]
    when = record.get("invoice_date")
    return InvoiceFacts(
        invoice_id=invoice_id,
        number=str(record["name"]),
        partner_id=_id(record["partner_id"]),
        amount_total=float(record["amount_total"]),
        currency=str(currency[1]) if isinstance(currency, list) and len(currency) > 1 else "EUR",
        invoice_date=date.fromisoformat(str(when)[:10]) if when else None,
    )


def claim_resource(
    reference: str, invoice: InvoiceFacts, *, coverage: str, created: date
) -> dict[str, Any]:
    """A FHIR R4 Claim for the invoice total, keyed by ``reference`` (identifiers only)."""
    money = {"value": invoice.amount_total, "currency": invoice.currency}
    return {
        "resourceType": "Claim",
        "identifier": [{"system": CLAIM_IDENTIFIER, "value": reference}],
        "status": "active",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "institutional"}]},
        "use": "claim",
        "patient": {"identifier": {"system": "urn:healthbridge:coverage", "value": coverage}},
        "created": created.isoformat(),
        "provider": {"display": "Healthbridge hub"},
        "priority": {"coding": [{"code": "normal"}]},
        "insurance": [
            {
                "sequence": 1,
                "focal": True,
                "coverage": {
                    "identifier": {"system": "urn:healthbridge:coverage", "value": coverage}
                },
            }
        ],
        "item": [
            {
                "sequence": 1,
                "productOrService": {"text": f"Invoice {invoice.number}"},
                "net": money,
            }
        ],
        "total": money,
    }


async def ensure_payment(
    odoo: OdooPort, *, reference: str, invoice: InvoiceFacts, amount: float
) -> PaymentRef:
    """The one payment for ``reference``, registered against the invoice and validated."""
    found = await odoo.search_read(PAYMENT, [("memo", "=", reference)], ["state"], order="id asc")
    if found:
        payment_id, state = int(found[0]["id"]), str(found[0]["state"])
    else:
        (payment_id,) = await odoo.create(
            PAYMENT,
            [
                {
                    "partner_id": invoice.partner_id,
                    "amount": amount,
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "memo": reference,
                    "payment_reference": invoice.number,
                    "invoice_ids": [(6, 0, [invoice.invoice_id])],
                }
            ],
        )
        state = "draft"
    if state == "draft":
        await odoo.call(PAYMENT, "action_post", [payment_id])
        state = "in_process"
    if state == "in_process":
        await odoo.call(PAYMENT, "action_validate", [payment_id])
    (after,) = await odoo.read(INVOICE, [invoice.invoice_id], ["payment_state"])
    return PaymentRef(payment_id, str(after["payment_state"]))
