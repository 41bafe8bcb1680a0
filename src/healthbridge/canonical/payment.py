"""Payment: money received or paid, and how it is allocated to claims and invoices.

A payer's remittance (FHIR PaymentReconciliation, an ERA) and an Odoo ``account.payment``
both say: this amount, on this date, from this issuer, covering these items.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from healthbridge.canonical.amounts import Money
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant, Period
from healthbridge.canonical.references import Reference

PaymentStatus = Literal["active", "cancelled", "draft", "entered-in-error"]
PaymentOutcome = Literal["queued", "complete", "error", "partial"]
PaymentDirection = Literal["inbound", "outbound"]
NoteType = Literal["display", "print", "printoper"]


class PaymentAllocation(CanonicalModel):
    """The part of a payment that settles one item (a claim, an invoice, an advance)."""

    identifier: Annotated[Identifier | None, FINANCIAL] = None
    predecessor: Annotated[Identifier | None, FINANCIAL] = None
    type: Annotated[Concept, FINANCIAL]
    request: Annotated[Reference | None, FINANCIAL] = None
    submitter: Annotated[Reference | None, OPERATIONAL] = None
    response: Annotated[Reference | None, FINANCIAL] = None
    date: Annotated[dt.date | None, FINANCIAL] = None
    responsible: Annotated[Reference | None, OPERATIONAL] = None
    payee: Annotated[Reference | None, FINANCIAL] = None
    amount: Annotated[Money | None, FINANCIAL] = None


class PaymentNote(CanonicalModel):
    """An administrative note that comes with a payment (never clinical)."""

    type: Annotated[NoteType | None, PUBLIC] = None
    text: Annotated[str | None, FINANCIAL] = None


class Payment(CanonicalModel):
    """A payment of ``amount`` on ``payment_date``; ``direction`` is the hub's point of view."""

    identifiers: Annotated[tuple[Identifier, ...], FINANCIAL] = ()
    status: Annotated[PaymentStatus, OPERATIONAL]
    direction: Annotated[PaymentDirection | None, FINANCIAL] = None
    period: Annotated[Period | None, FINANCIAL] = None
    created: Annotated[DateOrInstant, OPERATIONAL]
    payment_issuer: Annotated[Reference | None, FINANCIAL] = None
    request: Annotated[Reference | None, FINANCIAL] = None
    requestor: Annotated[Reference | None, OPERATIONAL] = None
    outcome: Annotated[PaymentOutcome | None, OPERATIONAL] = None
    disposition: Annotated[str | None, FINANCIAL] = None
    payment_date: Annotated[dt.date, FINANCIAL]
    amount: Annotated[Money, FINANCIAL]
    payment_identifier: Annotated[Identifier | None, FINANCIAL] = None
    allocations: Annotated[tuple[PaymentAllocation, ...], FINANCIAL] = ()
    form_code: Annotated[Concept | None, PUBLIC] = None
    process_notes: Annotated[tuple[PaymentNote, ...], FINANCIAL] = ()
