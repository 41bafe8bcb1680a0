"""Billing events: invoices posted and paid, payments received, billing milestones.

An invoice to a patient (a patient as billing party) names the patient only in
``patient``, classed phi: it is sealed at rest and removed for subscribers not entitled.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from healthbridge.canonical.amounts import Money
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PUBLIC
from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference


class InvoicePosted(CanonicalEvent):
    """An invoice was posted: it is final and now due."""

    event_type: ClassVar[str] = "org.healthbridge.invoice.posted.v1"
    domain: ClassVar[str] = "billing"

    number: Annotated[str | None, OPERATIONAL] = None
    partner: Annotated[Reference, OPERATIONAL]
    amount_total: Annotated[Money, FINANCIAL]
    amount_due: Annotated[Money | None, FINANCIAL] = None
    patient: Annotated[Reference | None, PHI] = None


class InvoicePaid(CanonicalEvent):
    """An invoice is fully paid."""

    event_type: ClassVar[str] = "org.healthbridge.invoice.paid.v1"
    domain: ClassVar[str] = "billing"

    number: Annotated[str | None, OPERATIONAL] = None
    partner: Annotated[Reference, OPERATIONAL]
    amount_total: Annotated[Money, FINANCIAL]
    patient: Annotated[Reference | None, PHI] = None


class PaymentReceived(CanonicalEvent):
    """A payment was received from a partner, against the invoices it names."""

    event_type: ClassVar[str] = "org.healthbridge.payment.received.v1"
    domain: ClassVar[str] = "billing"

    partner: Annotated[Reference, OPERATIONAL]
    amount: Annotated[Money, FINANCIAL]
    invoices: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()


class BillingMilestoneReached(CanonicalEvent):
    """A billable milestone of an order or contract was reached (e.g. delivery complete)."""

    event_type: ClassVar[str] = "org.healthbridge.billing.milestone-reached.v1"
    domain: ClassVar[str] = "billing"

    milestone: Annotated[str, PUBLIC]
    order: Annotated[Reference | None, OPERATIONAL] = None
    amount: Annotated[Money | None, FINANCIAL] = None
    patient: Annotated[Reference | None, PHI] = None
