"""Canonical -> FHIR by the object's own type, for callers that hold any canonical object."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from healthbridge.canonical.charge import Charge
from healthbridge.canonical.coverage import Coverage
from healthbridge.canonical.delivery import SupplyDelivery
from healthbridge.canonical.invoice import Invoice
from healthbridge.canonical.location import Location
from healthbridge.canonical.orders import SupplyOrder
from healthbridge.canonical.organization import Organization
from healthbridge.canonical.patient import Patient
from healthbridge.canonical.payment import Payment
from healthbridge.canonical.practitioner import Practitioner
from healthbridge.canonical.product import Product
from healthbridge.mappings.fhir.charge_item import charge_to_fhir
from healthbridge.mappings.fhir.coverage import coverage_to_fhir
from healthbridge.mappings.fhir.device import product_to_fhir
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.invoice import invoice_to_fhir
from healthbridge.mappings.fhir.location import location_to_fhir
from healthbridge.mappings.fhir.organization import organization_to_fhir
from healthbridge.mappings.fhir.patient import patient_to_fhir
from healthbridge.mappings.fhir.payment_reconciliation import payment_to_fhir
from healthbridge.mappings.fhir.practitioner import practitioner_to_fhir
from healthbridge.mappings.fhir.supply_delivery import supply_delivery_to_fhir
from healthbridge.mappings.fhir.supply_request import supply_order_to_fhir

FHIR_WRITERS: Mapping[type[BaseModel], Callable[[Any], dict[str, Any]]] = MappingProxyType(
    {
        Charge: charge_to_fhir,
        Coverage: coverage_to_fhir,
        Invoice: invoice_to_fhir,
        Location: location_to_fhir,
        Organization: organization_to_fhir,
        Patient: patient_to_fhir,
        Payment: payment_to_fhir,
        Practitioner: practitioner_to_fhir,
        Product: product_to_fhir,
        SupplyDelivery: supply_delivery_to_fhir,
        SupplyOrder: supply_order_to_fhir,
    }
)
"""The writer for each canonical object type that has a FHIR form."""


def canonical_to_fhir(obj: BaseModel) -> dict[str, Any]:
    """FHIR R4 JSON for any canonical object that has a FHIR form; MappingError otherwise."""
    writer = FHIR_WRITERS.get(type(obj))
    if writer is None:
        raise MappingError(type(obj).__name__, "this canonical object has no FHIR form")
    return writer(obj)
