"""The catalogue of canonical objects: every contract by name, with its version.

``CANONICAL_OBJECTS`` is what contract tooling iterates (JSON Schema generation, the
change classifier, the data-class checks); ``CONTRACT_VERSIONS`` is the version each
object's contract is published under. A change to a model must come with a version
change here, classified by the contract diff (breaking changes bump the major).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pydantic import BaseModel

from healthbridge.canonical.amounts import UCUM_SYSTEM, CurrencyCode, Money, Quantity
from healthbridge.canonical.charge import Charge, ChargePerformer, ChargeStatus
from healthbridge.canonical.classification import (
    FINANCIAL,
    OPERATIONAL,
    PHI,
    PII,
    PUBLIC,
    Classified,
    DataClass,
    data_class_of,
    effective_data_classes,
    field_data_classes,
    most_sensitive,
    unclassified_fields,
)
from healthbridge.canonical.coding import Coding, Concept
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.coverage import (
    CostException,
    CostToBeneficiary,
    Coverage,
    CoverageClass,
    CoverageStatus,
)
from healthbridge.canonical.delivery import (
    SupplyDelivery,
    SupplyDeliveryLine,
    SupplyDeliveryStatus,
)
from healthbridge.canonical.gtin import gtin_check_digit, is_valid_gtin
from healthbridge.canonical.identifiers import (
    FHIR_ID_SYSTEM_PREFIX,
    GS1_UDI_ISSUER,
    GTIN_SYSTEM,
    NPI_SYSTEM,
    ODOO_SYSTEM_PREFIX,
    Identifier,
    fhir_id_system,
    odoo_system,
)
from healthbridge.canonical.invoice import (
    Invoice,
    InvoiceLine,
    InvoiceParticipant,
    InvoiceStatus,
    PriceComponent,
)
from healthbridge.canonical.location import Location, Position
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.orders import (
    ServiceOrder,
    ServiceOrderLine,
    SupplyOrder,
    SupplyOrderLine,
)
from healthbridge.canonical.organization import (
    ORGANIZATION_ROLE_SYSTEM,
    Organization,
    OrganizationContact,
    OrganizationRole,
)
from healthbridge.canonical.patient import AdministrativeGender, Patient
from healthbridge.canonical.payment import (
    Payment,
    PaymentAllocation,
    PaymentNote,
    PaymentStatus,
)
from healthbridge.canonical.periods import DateOrInstant, Period
from healthbridge.canonical.practitioner import Practitioner
from healthbridge.canonical.product import Lot, Product, ProductName, UdiCarrier
from healthbridge.canonical.references import Reference
from healthbridge.canonical.stock import StockLevel

CANONICAL_OBJECTS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "Charge": Charge,
        "Coverage": Coverage,
        "Invoice": Invoice,
        "Location": Location,
        "Lot": Lot,
        "Organization": Organization,
        "Patient": Patient,
        "Payment": Payment,
        "Practitioner": Practitioner,
        "Product": Product,
        "ServiceOrder": ServiceOrder,
        "StockLevel": StockLevel,
        "SupplyDelivery": SupplyDelivery,
        "SupplyOrder": SupplyOrder,
    }
)
"""Every canonical business object by contract name."""

CONTRACT_VERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "Charge": "1.0.0",
        "Coverage": "1.0.0",
        "Invoice": "1.0.0",
        "Location": "1.0.0",
        "Lot": "1.0.0",
        "Organization": "1.0.0",
        "Patient": "1.0.0",
        "Payment": "1.0.0",
        "Practitioner": "1.0.0",
        "Product": "1.0.0",
        "ServiceOrder": "1.0.0",
        "StockLevel": "1.0.0",
        "SupplyDelivery": "1.0.0",
        "SupplyOrder": "1.0.0",
    }
)
"""The published contract version of each object in :data:`CANONICAL_OBJECTS` (semver)."""


__all__ = [
    "CANONICAL_OBJECTS",
    "CONTRACT_VERSIONS",
    "FHIR_ID_SYSTEM_PREFIX",
    "FINANCIAL",
    "GS1_UDI_ISSUER",
    "GTIN_SYSTEM",
    "NPI_SYSTEM",
    "ODOO_SYSTEM_PREFIX",
    "OPERATIONAL",
    "ORGANIZATION_ROLE_SYSTEM",
    "PHI",
    "PII",
    "PUBLIC",
    "UCUM_SYSTEM",
    "Address",
    "AdministrativeGender",
    "CanonicalModel",
    "Charge",
    "ChargePerformer",
    "ChargeStatus",
    "Classified",
    "Coding",
    "Concept",
    "ContactPoint",
    "CostException",
    "CostToBeneficiary",
    "Coverage",
    "CoverageClass",
    "CoverageStatus",
    "CurrencyCode",
    "DataClass",
    "DateOrInstant",
    "HumanName",
    "Identifier",
    "Invoice",
    "InvoiceLine",
    "InvoiceParticipant",
    "InvoiceStatus",
    "Location",
    "Lot",
    "Money",
    "Organization",
    "OrganizationContact",
    "OrganizationRole",
    "Patient",
    "Payment",
    "PaymentAllocation",
    "PaymentNote",
    "PaymentStatus",
    "Period",
    "Position",
    "Practitioner",
    "PriceComponent",
    "Product",
    "ProductName",
    "Quantity",
    "Reference",
    "ServiceOrder",
    "ServiceOrderLine",
    "StockLevel",
    "SupplyDelivery",
    "SupplyDeliveryLine",
    "SupplyDeliveryStatus",
    "SupplyOrder",
    "SupplyOrderLine",
    "UdiCarrier",
    "data_class_of",
    "effective_data_classes",
    "fhir_id_system",
    "field_data_classes",
    "gtin_check_digit",
    "is_valid_gtin",
    "most_sensitive",
    "odoo_system",
    "unclassified_fields",
]
