"""Invoice -> ``account.move`` create vals (a draft customer invoice or vendor bill).

The reverse of :func:`~healthbridge.mappings.odoo.invoices.odoo_to_invoice`. The hub
writes a draft: posting (which gives the number), payment state and every amount are
Odoo's accounting workflow and are never written. Lines carry product, label, quantity,
unit and unit price; charge items, codes and price components are not written (Odoo
computes subtotals and totals from the lines).

No clinical text reaches Odoo: a line label that looks clinical (an ICD-10-shaped code or
a word such as "diagnosis") is replaced by the product's name, or left for Odoo to fill,
and every line's vals pass :func:`strip_clinical` as a second line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from healthbridge.canonical.invoice import Invoice, InvoiceLine
from healthbridge.mappings.clinical import strip_clinical
from healthbridge.mappings.odoo.errors import OdooMappingError
from healthbridge.mappings.odoo.order_vals import (
    currency_id,
    document_currency,
    quantity_vals,
    required_id,
)
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import identifier_value, nonempty, reference_id

MOVE = "account.move"
PARTNER = "res.partner"
COMPANY = "res.company"
PRODUCT = "product.product"
MOVE_TYPE_SYSTEM = odoo_field_system(MOVE, "move_type")
MOVE_REF_SYSTEM = odoo_field_system(MOVE, "ref")
INVOICE_MOVE_TYPES = frozenset(
    {"out_invoice", "out_refund", "out_receipt", "in_invoice", "in_refund", "in_receipt"}
)
"""The move types that are invoices (``entry``, a journal entry, is not)."""

_CLINICAL_TEXT = re.compile(
    # ICD-10 shaped codes (I10, E11.9, S72.001A) and words that announce clinical content.
    r"\b[A-TV-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4})?\b"
    r"|\b(?i:diagnos\w*|dx|icd-?\d*|snomed|symptom\w*|condition|finding\w*)\b"
)


def looks_clinical(text: str) -> bool:
    """True when ``text`` may hold clinical content (a diagnosis code or such a word).

    Deliberately wide: a false positive only costs the line its free-text label (the
    product's name is used instead); a false negative would put a diagnosis into Odoo.
    """
    return _CLINICAL_TEXT.search(text) is not None


def invoice_move_type(invoice: Invoice) -> str:
    """The ``move_type`` to write: the Odoo move type the invoice states, else inferred.

    An invoice read from Odoo carries its move type as a ``type`` coding in
    ``urn:healthbridge:odoo-field:account.move:move_type``, kept as is. Otherwise: an
    invoice issued by an Odoo ``res.partner`` (a supplier billing the hospital) is a
    vendor bill, ``in_invoice``; anything else (issued by the company, or billing a
    patient, payer or facility) is a customer invoice, ``out_invoice``.
    """
    stated = invoice.type.code_in(MOVE_TYPE_SYSTEM) if invoice.type is not None else None
    if stated is not None:
        if stated not in INVOICE_MOVE_TYPES:
            raise OdooMappingError("Invoice", "type", "is not an Odoo invoice move type")
        return stated
    return "in_invoice" if reference_id(invoice.issuer, PARTNER) is not None else "out_invoice"


def _partner(invoice: Invoice, move_type: str) -> int:
    """The recipient; for a vendor bill with no Odoo recipient, the issuing vendor."""
    if move_type.startswith("in_") and reference_id(invoice.recipient, PARTNER) is None:
        return required_id(invoice.issuer, PARTNER, "Invoice", "issuer")
    return required_id(invoice.recipient, PARTNER, "Invoice", "recipient")


def _line_name(line: InvoiceLine) -> str | None:
    for text in (line.description, line.product.display if line.product else None):
        if text and not looks_clinical(text):
            return text
    return None


def _line(line: InvoiceLine, index: int, related: OdooRelated | None) -> dict[str, Any]:
    product = reference_id(line.product, PRODUCT)
    if line.product is not None and product is None:
        raise OdooMappingError(
            "Invoice", f"lines[{index}].product", f"needs a reference to an Odoo {PRODUCT}"
        )
    values = nonempty(sequence=line.sequence, product_id=product, name=_line_name(line))
    values.update(quantity_vals(line.quantity, "quantity", "product_uom_id", related))
    if line.unit_price is not None:
        values["price_unit"] = float(line.unit_price.amount)
    kept, _dropped = strip_clinical(values)
    return dict(kept)


def invoice_to_odoo_vals(
    invoice: Invoice,
    *,
    related: OdooRelated | None = None,
    currencies: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Vals that create the draft move: type, partner, date, ref, currency, company, lines.

    ``move_type`` is decided by :func:`invoice_move_type`. ``partner_id`` must be an Odoo
    ``res.partner`` (the recipient; for a vendor bill, else the issuer); ``company_id`` is
    written when the issuer is an Odoo ``res.company``; a line's product, when given, must
    be an Odoo ``product.product`` (a line may have none). The currency is the one of the
    totals and unit prices (resolved as :func:`currency_id` says). Number, state and
    amounts are Odoo's.
    """
    kind = "Invoice"
    move_type = invoice_move_type(invoice)
    vals: dict[str, Any] = {"move_type": move_type, "partner_id": _partner(invoice, move_type)}
    day = invoice.date
    vals.update(
        nonempty(
            invoice_date=(day.date() if isinstance(day, datetime) else day).isoformat()
            if day is not None
            else None,
            ref=identifier_value(invoice.identifiers, MOVE_REF_SYSTEM),
            company_id=reference_id(invoice.issuer, COMPANY),
        )
    )
    amounts = [("total_gross", invoice.total_gross), ("total_net", invoice.total_net)]
    amounts += [(f"lines[{i}].unit_price", ln.unit_price) for i, ln in enumerate(invoice.lines)]
    currency = document_currency(amounts, kind)
    if currency is not None:
        found = currency_id(currency[0], related, currencies, kind, f"{currency[1]}.currency")
        if found is not None:
            vals["currency_id"] = found
    vals["invoice_line_ids"] = [
        (0, 0, _line(line, index, related)) for index, line in enumerate(invoice.lines)
    ]
    return vals
