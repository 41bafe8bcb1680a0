"""Patient: the administrative and billing facts about a person receiving care.

Never clinical: no conditions, observations, allergies, medications or notes. A patient
here is what Odoo needs to bill and to find the same person again (identifiers,
names, contact data, birth date) and nothing an EHR would call a health record.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.classification import OPERATIONAL, PHI
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant
from healthbridge.canonical.references import Reference

AdministrativeGender = Literal["male", "female", "other", "unknown"]


class Patient(CanonicalModel):
    """A patient as a billing party; every personal field is PHI."""

    identifiers: Annotated[tuple[Identifier, ...], PHI] = ()
    active: Annotated[bool | None, OPERATIONAL] = None
    names: Annotated[tuple[HumanName, ...], PHI] = ()
    telecom: Annotated[tuple[ContactPoint, ...], PHI] = ()
    gender: Annotated[AdministrativeGender | None, PHI] = None
    birth_date: Annotated[date | None, PHI] = None
    deceased: Annotated[bool | None, PHI] = None
    deceased_at: Annotated[DateOrInstant | None, PHI] = None
    addresses: Annotated[tuple[Address, ...], PHI] = ()
    marital_status: Annotated[Concept | None, PHI] = None
    managing_organization: Annotated[Reference | None, OPERATIONAL] = None
    general_practitioners: Annotated[tuple[Reference, ...], PHI] = ()

    @model_validator(mode="after")
    def _death_is_consistent(self) -> Patient:
        if self.deceased_at is not None and self.deceased is not True:
            raise ValueError("deceased_at requires deceased to be true")
        return self
