"""Business identifiers: ``{system, value}`` pairs that find the same thing across systems.

An MRN from an EHR, a payer's member id, a GTIN, the id of the Odoo record and the FHIR
logical id on a peer are all identifiers; each system is a URI. The well-known systems
the hub itself mints or checks are constants here; others (an EHR's MRN system) are
whatever the source says.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.gtin import is_valid_gtin
from healthbridge.canonical.model import CanonicalModel

GTIN_SYSTEM = "https://www.gs1.org/gtin"
"""GS1 GTIN; values are checked (length and check digit)."""

GS1_UDI_ISSUER = "http://hl7.org/fhir/NamingSystem/gs1-di"
"""Issuer of GS1 UDI device identifiers (which are GTINs, so checked too)."""

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
"""US National Provider Identifier."""

ODOO_SYSTEM_PREFIX = "urn:healthbridge:odoo:"
"""``urn:healthbridge:odoo:<model>``: the id of an Odoo record, e.g. ``...:res.partner``."""

FHIR_ID_SYSTEM_PREFIX = "urn:healthbridge:fhir:"
"""``urn:healthbridge:fhir:<resourceType>``: the logical id a FHIR peer gave the resource."""

IdentifierUse = Literal["usual", "official", "temp", "secondary", "old"]


def odoo_system(model: str) -> str:
    """The identifier system of records of the Odoo ``model`` (``res.partner``...)."""
    return ODOO_SYSTEM_PREFIX + model


def fhir_id_system(resource_type: str) -> str:
    """The identifier system of FHIR logical ids of ``resource_type`` (``Patient``...)."""
    return FHIR_ID_SYSTEM_PREFIX + resource_type


class Identifier(CanonicalModel):
    """A business identifier; matching across systems uses those with both system and value.

    ``use`` and ``type`` say what kind of identifier it is (an MRN, a social security
    number...); they come from the source and are kept so no peer loses them.
    """

    system: Annotated[str | None, PUBLIC] = None
    value: Annotated[str | None, OPERATIONAL] = None
    use: Annotated[IdentifierUse | None, PUBLIC] = None
    type: Annotated[Concept | None, PUBLIC] = None

    @model_validator(mode="after")
    def _gtin_checks(self) -> Identifier:
        if self.system == GTIN_SYSTEM and self.value is not None and not is_valid_gtin(self.value):
            raise ValueError("a GTIN must be 8, 12, 13 or 14 digits with a valid check digit")
        return self

    @classmethod
    def odoo(cls, model: str, record_id: int) -> Identifier:
        """The identifier of Odoo record ``record_id`` of ``model``."""
        return cls(system=odoo_system(model), value=str(record_id))
