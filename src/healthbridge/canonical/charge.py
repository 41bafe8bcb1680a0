"""Charge: a billable item recorded against a patient, before or after it is invoiced.

This is what a DFT^P03 financial transaction or a FHIR ChargeItem says: which service or
supply, how many, at what price, for whom, by whom. It never carries the diagnosis that
justified the charge nor notes about the patient: those stay in the clinical systems.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PII, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant, Period
from healthbridge.canonical.references import Reference

ChargeStatus = Literal[
    "planned", "billable", "not-billable", "aborted", "billed", "entered-in-error", "unknown"
]


class ChargePerformer(CanonicalModel):
    """Who performed the charged service, and in which function."""

    function: Annotated[Concept | None, PUBLIC] = None
    actor: Annotated[Reference, PII]


class Charge(CanonicalModel):
    """A billable charge for a patient (``subject``), coded by ``code``."""

    identifiers: Annotated[tuple[Identifier, ...], FINANCIAL] = ()
    definition_uris: Annotated[tuple[str, ...], PUBLIC] = ()
    definition_canonicals: Annotated[tuple[str, ...], PUBLIC] = ()
    status: Annotated[ChargeStatus, OPERATIONAL]
    part_of: Annotated[tuple[Reference, ...], FINANCIAL] = ()
    code: Annotated[Concept, FINANCIAL]
    subject: Annotated[Reference, PHI]
    context: Annotated[Reference | None, PHI] = None
    occurrence: Annotated[DateOrInstant | None, PHI] = None
    occurrence_period: Annotated[Period | None, PHI] = None
    performers: Annotated[tuple[ChargePerformer, ...], PII] = ()
    performing_organization: Annotated[Reference | None, OPERATIONAL] = None
    requesting_organization: Annotated[Reference | None, OPERATIONAL] = None
    cost_center: Annotated[Reference | None, FINANCIAL] = None
    quantity: Annotated[Quantity | None, FINANCIAL] = None
    factor_override: Annotated[Decimal | None, FINANCIAL] = None
    price_override: Annotated[Money | None, FINANCIAL] = None
    override_reason: Annotated[str | None, FINANCIAL] = None
    enterer: Annotated[Reference | None, PII] = None
    entered_date: Annotated[DateOrInstant | None, OPERATIONAL] = None
    accounts: Annotated[tuple[Reference, ...], FINANCIAL] = ()
    product: Annotated[Reference | None, OPERATIONAL] = None
    product_code: Annotated[Concept | None, OPERATIONAL] = None

    @model_validator(mode="after")
    def _one_of_each_choice(self) -> Charge:
        if self.occurrence is not None and self.occurrence_period is not None:
            raise ValueError("a charge occurs at a moment or over a period, not both")
        if self.product is not None and self.product_code is not None:
            raise ValueError("a charge names its product by reference or by code, not both")
        return self
