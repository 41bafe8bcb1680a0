"""Practitioner: a member of staff or a referring clinician, as the hub and Odoo know them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from healthbridge.canonical.classification import OPERATIONAL, PII
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.patient import AdministrativeGender


class Practitioner(CanonicalModel):
    """A practitioner's identity and contact data (personal data, not health data)."""

    identifiers: Annotated[tuple[Identifier, ...], PII] = ()
    active: Annotated[bool | None, OPERATIONAL] = None
    names: Annotated[tuple[HumanName, ...], PII] = ()
    telecom: Annotated[tuple[ContactPoint, ...], PII] = ()
    addresses: Annotated[tuple[Address, ...], PII] = ()
    gender: Annotated[AdministrativeGender | None, PII] = None
    birth_date: Annotated[date | None, PII] = None
