"""Payment -> ``account.payment`` create vals (a draft payment received or sent).

The reverse of :func:`~healthbridge.mappings.odoo.invoices.odoo_to_payment`. Posting and
validating (which give the number and the ``in_process``/``paid`` state) are Odoo's
workflow; the hub writes a draft with the amount, date, direction, partner, memo and the
invoices it settles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.payment import Payment
from healthbridge.mappings.clinical import strip_clinical
from healthbridge.mappings.odoo.errors import OdooMappingError
from healthbridge.mappings.odoo.order_vals import currency_id, required_id
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.wire import nonempty, reference_id

PAYMENT = "account.payment"
PARTNER = "res.partner"
MOVE = "account.move"
_PARTNER_TYPES = {"inbound": "customer", "outbound": "supplier"}


def _partner(payment: Payment) -> int | None:
    """Who paid (inbound: the issuer) or who is paid (outbound: an allocation's payee).

    A payment sent is issued by the company, and the canonical Payment read from Odoo
    does not name its payee, so an outbound payment without an Odoo payee has no partner.
    """
    if payment.direction == "inbound":
        return required_id(payment.payment_issuer, PARTNER, "Payment", "payment_issuer")
    payees = (reference_id(a.payee, PARTNER) for a in payment.allocations)
    return next((p for p in payees if p is not None), None)


def payment_to_odoo_vals(
    payment: Payment,
    *,
    related: OdooRelated | None = None,
    currencies: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Vals that create the draft payment: type, partner, amount, currency, date, memo.

    ``payment_type`` is the direction (required: Odoo cannot guess it); ``partner_type``
    follows it (money comes in from customers, goes out to vendors). ``invoice_ids`` are
    the allocations whose ``request`` is an Odoo ``account.move``. ``disposition`` is the
    memo. The number and the state are Odoo's.
    """
    kind = "Payment"
    if payment.direction is None:
        raise OdooMappingError(kind, "direction", "must say inbound or outbound")
    vals: dict[str, Any] = {
        "payment_type": payment.direction,
        "partner_type": _PARTNER_TYPES[payment.direction],
        "amount": float(payment.amount.amount),
        "date": payment.payment_date.isoformat(),
    }
    vals.update(nonempty(partner_id=_partner(payment), memo=payment.disposition))
    found = currency_id(payment.amount.currency, related, currencies, kind, "amount.currency")
    if found is not None:
        vals["currency_id"] = found
    invoices = [reference_id(a.request, MOVE) for a in payment.allocations]
    if any(i is not None for i in invoices):
        vals["invoice_ids"] = [(6, 0, [i for i in invoices if i is not None])]
    kept, _dropped = strip_clinical(vals)
    return dict(kept)
