"""Product (a clinical supply or a billable service) and Lot (a batch with its expiry).

A supply is identified in trade by its GTIN (the barcode) and, for devices, by the UDI
device identifier (UDI-DI) printed with the production data on its UDI carrier. Both
are checked here when they are GS1 numbers. A product description that names one
physical batch (a FHIR Device instance) carries that batch as ``lot``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from healthbridge.canonical.amounts import Money
from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PUBLIC
from healthbridge.canonical.coding import Concept
from healthbridge.canonical.gtin import is_valid_gtin
from healthbridge.canonical.identifiers import GS1_UDI_ISSUER, GTIN_SYSTEM, Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.periods import DateOrInstant
from healthbridge.canonical.references import Reference

ProductKind = Literal["supply", "service"]
ProductStatus = Literal["active", "inactive", "entered-in-error", "unknown"]
ProductNameType = Literal[
    "udi-label-name",
    "user-friendly-name",
    "patient-reported-name",
    "manufacturer-name",
    "model-name",
    "other",
]
UdiEntryType = Literal["barcode", "rfid", "manual", "card", "self-reported", "unknown"]


class Lot(CanonicalModel):
    """A production batch (or a serialised unit) of a product, with its dates."""

    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    product: Annotated[Reference | None, OPERATIONAL] = None
    lot_number: Annotated[str | None, OPERATIONAL] = None
    serial_number: Annotated[str | None, OPERATIONAL] = None
    expiry: Annotated[DateOrInstant | None, OPERATIONAL] = None
    manufactured: Annotated[DateOrInstant | None, OPERATIONAL] = None


class UdiCarrier(CanonicalModel):
    """A Unique Device Identifier as printed on the label (UDI-DI plus production data)."""

    device_identifier: Annotated[str | None, PUBLIC] = None
    issuer: Annotated[str | None, PUBLIC] = None
    jurisdiction: Annotated[str | None, PUBLIC] = None
    carrier_aidc: Annotated[str | None, OPERATIONAL] = None
    carrier_hrf: Annotated[str | None, OPERATIONAL] = None
    entry_type: Annotated[UdiEntryType | None, OPERATIONAL] = None

    @model_validator(mode="after")
    def _gs1_di_checks(self) -> UdiCarrier:
        di = self.device_identifier
        if self.issuer == GS1_UDI_ISSUER and di is not None and not is_valid_gtin(di):
            raise ValueError("a GS1 UDI-DI must be a GTIN with a valid check digit")
        return self


class ProductName(CanonicalModel):
    """One of a product's names and which kind of name it is."""

    name: Annotated[str, PUBLIC]
    type: Annotated[ProductNameType, PUBLIC]


class Product(CanonicalModel):
    """A clinical supply or a billable service.

    The GTIN is an identifier in :data:`GTIN_SYSTEM` (checked on construction); ``uom``
    is the unit it is counted in, as a UCUM code or an Odoo unit-of-measure name.
    """

    identifiers: Annotated[tuple[Identifier, ...], PUBLIC] = ()
    kind: Annotated[ProductKind, PUBLIC] = "supply"
    status: Annotated[ProductStatus | None, OPERATIONAL] = None
    names: Annotated[tuple[ProductName, ...], PUBLIC] = ()
    code: Annotated[Concept | None, PUBLIC] = None
    udi_carriers: Annotated[tuple[UdiCarrier, ...], PUBLIC] = ()
    distinct_identifier: Annotated[str | None, OPERATIONAL] = None
    manufacturer: Annotated[str | None, PUBLIC] = None
    model_number: Annotated[str | None, PUBLIC] = None
    part_number: Annotated[str | None, PUBLIC] = None
    lot: Annotated[Lot | None, OPERATIONAL] = None
    uom: Annotated[str | None, PUBLIC] = None
    list_price: Annotated[Money | None, FINANCIAL] = None

    @property
    def name(self) -> str | None:
        """The first name the product has, whatever its kind."""
        return self.names[0].name if self.names else None

    @property
    def gtin(self) -> str | None:
        """The GTIN: a GTIN identifier, else the UDI-DI of a GS1 UDI carrier."""
        for identifier in self.identifiers:
            if identifier.system == GTIN_SYSTEM and identifier.value:
                return identifier.value
        for carrier in self.udi_carriers:
            if carrier.issuer == GS1_UDI_ISSUER and carrier.device_identifier:
                return carrier.device_identifier
        return None

    @property
    def udi_di(self) -> str | None:
        """The UDI device identifier of the first UDI carrier that has one."""
        for carrier in self.udi_carriers:
            if carrier.device_identifier:
                return carrier.device_identifier
        return None
