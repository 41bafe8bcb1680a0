"""Canonical <-> FHIR R4 mappings: pure functions over plain FHIR JSON dicts.

Readers (``fhir_to_*``) accept a FHIR resource as parsed JSON and return a canonical
object or raise :class:`MappingError` naming the FHIR path at fault; writers (``*_to_fhir``)
build FHIR JSON from plain dicts, fast enough for the hot path (fhir.resources is the
test oracle, not a dependency here). ``loss.py`` lists what each type loses on the way
through canonical, and ``MAPPING_VERSIONS`` versions each mapping: a change in a
mapping's output must come with a new version and new golden examples.
"""

from collections.abc import Mapping
from types import MappingProxyType

from healthbridge.mappings.fhir.carried import CARRIED_ELEMENTS
from healthbridge.mappings.fhir.charge_item import charge_to_fhir, fhir_to_charge
from healthbridge.mappings.fhir.coverage import coverage_to_fhir, fhir_to_coverage
from healthbridge.mappings.fhir.device import fhir_to_product, product_to_fhir
from healthbridge.mappings.fhir.encoding import fhir_json
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.inbound import (
    FHIR_READERS,
    InboundFhir,
    MappedResource,
    canonical_from_fhir,
)
from healthbridge.mappings.fhir.invoice import fhir_to_invoice, invoice_to_fhir
from healthbridge.mappings.fhir.location import fhir_to_location, location_to_fhir
from healthbridge.mappings.fhir.loss import (
    CANONICAL_NOT_IN_FHIR,
    COMMON_LOSS,
    FHIR_LOSS,
    REFUSED,
    LostElement,
    is_lost,
)
from healthbridge.mappings.fhir.organization import fhir_to_organization, organization_to_fhir
from healthbridge.mappings.fhir.outbound import FHIR_WRITERS, canonical_to_fhir
from healthbridge.mappings.fhir.patient import fhir_to_patient, patient_to_fhir
from healthbridge.mappings.fhir.payment_reconciliation import fhir_to_payment, payment_to_fhir
from healthbridge.mappings.fhir.practitioner import fhir_to_practitioner, practitioner_to_fhir
from healthbridge.mappings.fhir.supply_delivery import (
    fhir_to_supply_delivery,
    supply_delivery_to_fhir,
)
from healthbridge.mappings.fhir.supply_request import fhir_to_supply_order, supply_order_to_fhir

MAPPING_VERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "charge_item": "1.0.0",
        "coverage": "1.0.0",
        "device": "1.0.0",
        "invoice": "1.0.0",
        "location": "1.0.0",
        "organization": "1.0.0",
        "patient": "1.0.0",
        "payment_reconciliation": "1.0.0",
        "practitioner": "1.0.0",
        "supply_delivery": "1.0.0",
        "supply_request": "1.0.0",
    }
)
"""Version of each FHIR mapping (module name -> semver); golden examples are kept per version."""

__all__ = [
    "CANONICAL_NOT_IN_FHIR",
    "CARRIED_ELEMENTS",
    "COMMON_LOSS",
    "FHIR_LOSS",
    "FHIR_READERS",
    "FHIR_WRITERS",
    "MAPPING_VERSIONS",
    "REFUSED",
    "InboundFhir",
    "LostElement",
    "MappedResource",
    "MappingError",
    "canonical_from_fhir",
    "canonical_to_fhir",
    "charge_to_fhir",
    "coverage_to_fhir",
    "fhir_json",
    "fhir_to_charge",
    "fhir_to_coverage",
    "fhir_to_invoice",
    "fhir_to_location",
    "fhir_to_organization",
    "fhir_to_patient",
    "fhir_to_payment",
    "fhir_to_practitioner",
    "fhir_to_product",
    "fhir_to_supply_delivery",
    "fhir_to_supply_order",
    "invoice_to_fhir",
    "is_lost",
    "location_to_fhir",
    "organization_to_fhir",
    "patient_to_fhir",
    "payment_to_fhir",
    "practitioner_to_fhir",
    "product_to_fhir",
    "supply_delivery_to_fhir",
    "supply_order_to_fhir",
]
