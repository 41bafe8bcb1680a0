"""Clinical content stays clinical: remove it from anything bound for Odoo, and say what went.

Odoo bills, buys and stocks; it has no business holding diagnoses, observations, results
or clinical notes, and a payload that carried them into Odoo would spread health records
into a system not built or governed for them. The canonical objects have no field for
such content, so the FHIR and HL7 mappings cannot pass it on; :func:`strip_clinical` is
the second line: run on any JSON payload (a FHIR resource or Bundle, or Odoo values) it
removes every clinical resource and element and returns their paths, so the caller can
log *that* something was dropped (never *what*).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLINICAL_RESOURCE_TYPES: frozenset[str] = frozenset(
    {
        "AdverseEvent",
        "AllergyIntolerance",
        "BodyStructure",
        "CarePlan",
        "CareTeam",
        "ClinicalImpression",
        "Communication",
        "CommunicationRequest",
        "Composition",
        "Condition",
        "DetectedIssue",
        "DeviceRequest",
        "DeviceUseStatement",
        "DiagnosticReport",
        "DocumentReference",
        "Encounter",
        "EpisodeOfCare",
        "FamilyMemberHistory",
        "Flag",
        "Goal",
        "ImagingStudy",
        "Immunization",
        "ImmunizationEvaluation",
        "ImmunizationRecommendation",
        "Media",
        "MedicationAdministration",
        "MedicationDispense",
        "MedicationRequest",
        "MedicationStatement",
        "MolecularSequence",
        "NutritionOrder",
        "Observation",
        "Procedure",
        "QuestionnaireResponse",
        "RequestGroup",
        "RiskAssessment",
        "ServiceRequest",
        "Specimen",
        "VisionPrescription",
    }
)
"""Resource types that are clinical as a whole: dropped entirely."""

CLINICAL_ELEMENTS: frozenset[str] = frozenset(
    {
        "bodySite",
        "complication",
        "conclusion",
        "conclusionCode",
        "diagnosis",
        "dosage",
        "dosageInstruction",
        "finding",
        "interpretation",
        "note",
        "presentedForm",
        "procedure",
        "reasonCode",
        "reasonReference",
        "result",
        "supportingInfo",
        "supportingInformation",
        "valueCodeableConcept",
    }
)
"""Element names that hold clinical content wherever they occur (in any resource or payload)."""

CLINICAL_ELEMENTS_BY_TYPE: Mapping[str, frozenset[str]] = {
    "ChargeItem": frozenset({"bodysite", "reason", "service"}),
    "Device": frozenset({"patient"}),
    "SupplyDelivery": frozenset({"patient"}),
}
"""Element names that are clinical only in one resource type (``ChargeItem.reason``...)."""


def strip_clinical(payload: Any) -> tuple[Any, tuple[str, ...]]:
    """``payload`` without clinical resources and elements, and the paths of what was removed.

    The input is not modified. Paths name the element (``Claim.diagnosis``,
    ``Bundle.entry[3].resource``) and never quote a value.
    """
    dropped: list[str] = []
    root = payload.get("resourceType") if isinstance(payload, Mapping) else None
    kept = _strip(payload, root if isinstance(root, str) else "$", None, dropped)
    return kept, tuple(dropped)


def _strip(value: Any, path: str, resource_type: str | None, dropped: list[str]) -> Any:
    if isinstance(value, Mapping):
        own_type = value.get("resourceType")
        if isinstance(own_type, str):
            resource_type = own_type
        local = CLINICAL_ELEMENTS_BY_TYPE.get(resource_type or "", frozenset())
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{path}.{key}"
            if (
                key in CLINICAL_ELEMENTS
                or (key in local and "resourceType" in value)
                or _is_clinical_resource(item)
            ):
                dropped.append(where)
            else:
                out[key] = _strip(item, where, resource_type, dropped)
        return out
    if isinstance(value, list):
        kept: list[Any] = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if _is_clinical_resource(item):
                dropped.append(where)
            else:
                kept.append(_strip(item, where, resource_type, dropped))
        return kept
    return value


def _is_clinical_resource(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("resourceType") in CLINICAL_RESOURCE_TYPES
