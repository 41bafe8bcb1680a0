"""``account.move.line`` of a customer invoice <-> Charge.

A charge is what the hub bills for a patient: a DFT^P03 FT1 segment arrives as one line
on the patient's draft customer invoice (``services.hl7_odoo_writes``), so reading a
customer invoice line back gives the Charge it stands for. The caller reads product lines
of customer invoices and refunds only (``move_id.move_type`` in ``out_invoice``,
``out_refund``); a section or note line is layout, not a charge, and is refused.

- ``status`` follows the invoice: draft -> ``billable``, posted -> ``billed``, cancelled
  -> ``aborted``.
- ``code`` names the product (its Odoo record as the coding, its name as display) with the
  line's label as text; a line without a product is coded by its label alone.
- ``subject`` is the line's partner, the invoice's customer: the patient on a patient's
  invoice. On an invoice to a payer it is the payer, since Odoo keeps no patient there;
  its ``type`` is therefore left empty rather than claimed to be ``Patient``.
- ``price_override`` is what the line bills, its subtotal (quantity x unit price, less
  the discount, before taxes), in the company currency (``related.company_currency``):
  the amount of the whole charge, as the DFT mapping fills it from FT1-11 and the
  writer (``charge_to_odoo_line_vals``) divides it by the quantity again.

Not carried: ``price_unit`` (the subtotal over the quantity), taxes, ``discount``,
``account_id``, ``analytic_distribution`` and ``move_id``: a ChargeItem has no element
for the invoice that bills it (``Invoice.lineItem.chargeItem`` points the other way, and
``ChargeItem.account`` is an Account, not an Invoice).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from healthbridge.canonical.charge import Charge
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.mappings.odoo.lines import money_of, quantity
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.wire import RowReader, build, nonempty, reference_id

LINE = "account.move.line"
PRODUCT = "product.product"
_STATUS = {"draft": "billable", "posted": "billed", "cancel": "aborted"}
_LINE_KINDS = {"product": "product", "line_section": "section", "line_note": "note"}


def odoo_to_charge(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Charge:
    """The Charge a customer invoice line states: product, quantity, price, for whom, when."""
    reader = RowReader(row, LINE)
    record_id = reader.id()
    if reader.choice("display_type", _LINE_KINDS) not in (None, "product"):
        raise reader.fail("display_type", "a section or note line is not a charge")
    product = reader.many2one("product_id")
    label = reader.text("name")
    if product is None and label is None:
        raise reader.fail("product_id", "a charge needs a product or a label")
    code: dict[str, Any] = {"text": label} if label is not None else {}
    if product is not None:
        coding = {"system": odoo_system(PRODUCT), "code": str(product[0])}
        code["codings"] = ({**coding, "display": product[1]} if product[1] else coding,)
    subject = reader.reference("partner_id", "res.partner")
    if subject is None:
        raise reader.fail("partner_id", "a charge needs the customer it is billed to")
    parent = reader.choice("parent_state", _STATUS)
    currency = related.company_currency if related is not None else None
    data = nonempty(
        identifiers=({"system": odoo_system(LINE), "value": str(record_id)},),
        status=parent or "unknown",
        code=code,
        subject=subject,
        occurrence=reader.day("date"),
        quantity=quantity(reader, "quantity", "product_uom_id"),
        price_override=money_of(reader, "price_subtotal", currency),
        product=reader.reference("product_id", PRODUCT, "Product"),
    )
    return build(Charge, data, LINE)


def charge_to_odoo_line_vals(charge: Charge) -> dict[str, Any]:
    """Invoice line vals for ``charge`` (create them in ``invoice_line_ids`` of a draft).

    The label is the charge code and its text (``"99213 Office visit"``; a code that is
    an Odoo product id is left out, the product is set instead), the quantity
    defaults to 1 and the unit price is ``price_override`` (the charge's total) over the
    quantity, rounded to cents; the product is set when the charge names an Odoo
    product. The caller picks the invoice (partner, currency) and may extend the label
    with a key of its own to find the line again.
    """
    coding = charge.code.codings[0] if charge.code.codings else None
    if coding is not None and coding.system == odoo_system(PRODUCT):
        coding = None
    label = " ".join(part for part in (coding.code if coding else None, charge.code.text) if part)
    quantity = charge.quantity.value if charge.quantity else Decimal(1)
    total = charge.price_override.amount if charge.price_override else Decimal(0)
    vals: dict[str, Any] = {
        "name": label,
        "quantity": float(quantity),
        "price_unit": float(round(total / quantity, 2)),
    }
    product_id = reference_id(charge.product, PRODUCT)
    if product_id is not None:
        vals["product_id"] = product_id
    return vals
