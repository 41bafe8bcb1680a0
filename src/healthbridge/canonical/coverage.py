"""Coverage: a patient's insurance or other payment arrangement with a payer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PHI, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import Period
from healthbridge.canonical.references import Reference

CoverageStatus = Literal["active", "cancelled", "draft", "entered-in-error"]


class CoverageClass(CanonicalModel):
    """A plan, group, class or pharmacy-routing value of the coverage (``type`` says which)."""

    type: Annotated[Concept, PUBLIC]
    value: Annotated[str, FINANCIAL]
    name: Annotated[str | None, FINANCIAL] = None


class CostException(CanonicalModel):
    """When the patient's cost share does not apply (retired, low income...)."""

    type: Annotated[Concept, FINANCIAL]
    period: Annotated[Period | None, FINANCIAL] = None


class CostToBeneficiary(CanonicalModel):
    """The patient's share for a category of service: a money amount or a percentage."""

    type: Annotated[Concept | None, FINANCIAL] = None
    amount: Annotated[Money | None, FINANCIAL] = None
    quantity: Annotated[Quantity | None, FINANCIAL] = None
    exceptions: Annotated[tuple[CostException, ...], FINANCIAL] = ()

    @model_validator(mode="after")
    def _one_value(self) -> CostToBeneficiary:
        if (self.amount is None) == (self.quantity is None):
            raise ValueError("a cost to the beneficiary is an amount or a quantity")
        return self


class Coverage(CanonicalModel):
    """Who is covered (``beneficiary``), by which payers, under which plan and member id."""

    identifiers: Annotated[tuple[Identifier, ...], PHI] = ()
    status: Annotated[CoverageStatus, OPERATIONAL]
    type: Annotated[Concept | None, FINANCIAL] = None
    policy_holder: Annotated[Reference | None, PHI] = None
    subscriber: Annotated[Reference | None, PHI] = None
    subscriber_id: Annotated[str | None, PHI] = None
    beneficiary: Annotated[Reference, PHI]
    dependent: Annotated[str | None, PHI] = None
    relationship: Annotated[Concept | None, PHI] = None
    period: Annotated[Period | None, FINANCIAL] = None
    payors: Annotated[tuple[Reference, ...], FINANCIAL, Field(min_length=1)]
    classes: Annotated[tuple[CoverageClass, ...], FINANCIAL] = ()
    order: Annotated[int | None, FINANCIAL] = None
    network: Annotated[str | None, FINANCIAL] = None
    costs: Annotated[tuple[CostToBeneficiary, ...], FINANCIAL] = ()
    subrogation: Annotated[bool | None, FINANCIAL] = None
    contracts: Annotated[tuple[Reference, ...], FINANCIAL] = ()
