"""Invoice and its lines: what is billed, to whom, and how each amount is composed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PII, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant
from healthbridge.canonical.references import Reference

InvoiceStatus = Literal["draft", "issued", "balanced", "cancelled", "entered-in-error"]
PriceComponentType = Literal["base", "surcharge", "deduction", "discount", "tax", "informational"]


class PriceComponent(CanonicalModel):
    """One part of a price: the base amount, a tax, a discount... (``factor`` is a multiplier)."""

    type: Annotated[PriceComponentType, PUBLIC]
    code: Annotated[Concept | None, PUBLIC] = None
    factor: Annotated[Decimal | None, FINANCIAL] = None
    amount: Annotated[Money | None, FINANCIAL] = None


class InvoiceLine(CanonicalModel):
    """A billed item: a charge (by reference) or a coded service, and its price components.

    ``product``, ``description``, ``quantity`` and ``unit_price`` are the accounting view
    of the same line (an Odoo invoice line); they have no FHIR Invoice element, so the
    FHIR form carries the amounts through ``price_components`` only.
    """

    sequence: Annotated[int | None, OPERATIONAL] = None
    charge_item: Annotated[Reference | None, PHI] = None
    code: Annotated[Concept | None, FINANCIAL] = None
    price_components: Annotated[tuple[PriceComponent, ...], FINANCIAL] = ()
    product: Annotated[Reference | None, OPERATIONAL] = None
    description: Annotated[str | None, FINANCIAL] = None
    quantity: Annotated[Quantity | None, FINANCIAL] = None
    unit_price: Annotated[Money | None, FINANCIAL] = None

    @model_validator(mode="after")
    def _one_item(self) -> InvoiceLine:
        if self.charge_item is not None and self.code is not None:
            raise ValueError("an invoice line bills a charge item or a code, not both")
        return self


class InvoiceParticipant(CanonicalModel):
    """Who took part in the billed services, and in which role."""

    role: Annotated[Concept | None, PUBLIC] = None
    actor: Annotated[Reference, PII]


class Invoice(CanonicalModel):
    """An invoice (draft or issued); ``subject`` is the patient billed for, when there is one."""

    identifiers: Annotated[tuple[Identifier, ...], FINANCIAL] = ()
    status: Annotated[InvoiceStatus, OPERATIONAL]
    cancelled_reason: Annotated[str | None, FINANCIAL] = None
    type: Annotated[Concept | None, FINANCIAL] = None
    subject: Annotated[Reference | None, PHI] = None
    recipient: Annotated[Reference | None, PII] = None
    date: Annotated[DateOrInstant | None, FINANCIAL] = None
    participants: Annotated[tuple[InvoiceParticipant, ...], PII] = ()
    issuer: Annotated[Reference | None, OPERATIONAL] = None
    account: Annotated[Reference | None, FINANCIAL] = None
    lines: Annotated[tuple[InvoiceLine, ...], FINANCIAL] = ()
    total_price_components: Annotated[tuple[PriceComponent, ...], FINANCIAL] = ()
    total_net: Annotated[Money | None, FINANCIAL] = None
    total_gross: Annotated[Money | None, FINANCIAL] = None
    payment_terms: Annotated[str | None, FINANCIAL] = None
