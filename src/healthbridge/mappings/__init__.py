"""Mappings: pure functions between Odoo, canonical objects, FHIR R4 and HL7 v2.

No I/O, no clock. Anything bound for Odoo passes through canonical objects, which have no
field for clinical content, and :func:`strip_clinical` removes it from raw payloads too.
"""

from healthbridge.mappings.clinical import (
    CLINICAL_ELEMENTS,
    CLINICAL_ELEMENTS_BY_TYPE,
    CLINICAL_RESOURCE_TYPES,
    strip_clinical,
)

__all__ = [
    "CLINICAL_ELEMENTS",
    "CLINICAL_ELEMENTS_BY_TYPE",
    "CLINICAL_RESOURCE_TYPES",
    "strip_clinical",
]
