"""Clinical content in any shared FHIR file never reaches an Odoo-bound canonical object.

The Odoo-bound way in is ``canonical_from_fhir``. These tests define clinical content on
their own (the resource types and elements below, written from the FHIR spec rather than
imported from the code under test), then run every file of the shared FHIR data through
that path and check that no value found only inside clinical content appears anywhere in
what comes out, and that every clinical resource and element is reported as dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from healthbridge.canonical.objects import CANONICAL_OBJECTS
from healthbridge.mappings import strip_clinical
from healthbridge.mappings.fhir import FHIR_READERS, canonical_from_fhir
from tests.unit.mappings.fhir.examples import documents, examples

CLINICAL_TYPES = {
    "AllergyIntolerance",
    "CarePlan",
    "ClinicalImpression",
    "Condition",
    "DiagnosticReport",
    "DocumentReference",
    "Encounter",
    "FamilyMemberHistory",
    "ImagingStudy",
    "Immunization",
    "MedicationAdministration",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "Procedure",
    "ServiceRequest",
    "Specimen",
}
CLINICAL_KEYS = {
    "bodySite",
    "conclusion",
    "diagnosis",
    "note",
    "procedure",
    "reasonCode",
    "reasonReference",
    "result",
    "supportingInfo",
    "valueCodeableConcept",
}
CLINICAL_KEYS_OF = {"ChargeItem": {"reason", "service", "bodysite"}, "Device": {"patient"}}


def _strings(value: Any, clinical: bool, found: dict[bool, set[str]], rtype: str | None) -> None:
    """Sort every string leaf into clinical (True) or not (False)."""
    if isinstance(value, dict):
        own = value.get("resourceType")
        rtype = own if isinstance(own, str) else rtype
        clinical = clinical or own in CLINICAL_TYPES
        local = CLINICAL_KEYS_OF.get(rtype or "", set()) if own else set()
        for key, item in value.items():
            _strings(item, clinical or key in CLINICAL_KEYS or key in local, found, rtype)
    elif isinstance(value, list):
        for item in value:
            _strings(item, clinical, found, rtype)
    elif isinstance(value, str):
        found[clinical].add(value)


def _output_strings(objects: tuple[Any, ...]) -> set[str]:
    found: dict[bool, set[str]] = {True: set(), False: set()}
    for obj in objects:
        _strings(obj.model_dump(mode="json"), False, found, None)
    return found[False]


def test_no_value_found_only_in_clinical_content_reaches_a_canonical_object(
    shared_data: Path,
) -> None:
    checked = 0
    for name, document in documents(shared_data):
        found: dict[bool, set[str]] = {True: set(), False: set()}
        _strings(document, False, found, None)
        clinical_only = found[True] - found[False]
        checked += len(clinical_only)
        leaked = clinical_only & _output_strings(canonical_from_fhir(document).objects)
        assert not leaked, f"{name}: {len(leaked)} clinical values reached canonical objects"
    assert checked > 1000, "the shared data holds clinical content to check against"


def test_every_clinical_resource_and_element_is_reported_as_dropped(shared_data: Path) -> None:
    for name, document in documents(shared_data):
        dropped = canonical_from_fhir(document).clinical_dropped
        for example in examples(shared_data):
            if example.file != name:
                continue
            resource = example.resource
            if resource["resourceType"] in CLINICAL_TYPES:
                assert _covered(example.path, dropped), f"{example.where} not reported"
            if resource["resourceType"] in FHIR_READERS:
                keys = CLINICAL_KEYS | CLINICAL_KEYS_OF.get(resource["resourceType"], set())
                for key in keys & resource.keys():
                    assert _covered(f"{example.path}.{key}", dropped), f"{example.where}.{key}"


def _covered(path: str, dropped: tuple[str, ...]) -> bool:
    """Whether ``path`` or an element above it was reported as dropped."""
    return any(path == item or path.startswith((item + ".", item + "[")) for item in dropped)


def test_stripping_clinical_content_changes_no_mapped_object(shared_data: Path) -> None:
    by_place = {(item.file, item.path): item.resource for item in examples(shared_data)}
    for name, document in documents(shared_data):
        for mapped in canonical_from_fhir(document).mapped:
            direct = FHIR_READERS[mapped.resource_type](by_place[name, mapped.path])
            assert mapped.obj == direct, f"{name}#{mapped.path}"


def test_no_canonical_object_has_a_field_named_for_clinical_content() -> None:
    clinical_words = {"diagnos", "observation", "condition", "result", "note", "reason"}
    for name, model in CANONICAL_OBJECTS.items():
        schema = model.model_json_schema()
        properties = set(schema.get("properties", {}))
        for definition in schema.get("$defs", {}).values():
            properties |= set(definition.get("properties", {}))
        clashes = {p for p in properties for word in clinical_words if word in p.lower()}
        # Billing facts: why a price was overridden or an invoice cancelled, and the
        # payer's administrative notes on a remittance.
        assert clashes <= {"override_reason", "cancelled_reason", "process_notes"}, name


def test_strip_clinical_removes_clinical_resources_and_elements_and_names_them() -> None:
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": {"resourceType": "Condition", "code": {"text": "Asthma"}}},
            {
                "resource": {
                    "resourceType": "ChargeItem",
                    "status": "billable",
                    "reason": [{"text": "J45"}],
                    "note": [{"text": "seen at night"}],
                    "contained": [{"resourceType": "Observation", "status": "final"}],
                }
            },
        ],
    }
    kept, dropped = strip_clinical(bundle)
    assert kept == {
        "resourceType": "Bundle",
        "entry": [
            {},
            {"resource": {"resourceType": "ChargeItem", "status": "billable", "contained": []}},
        ],
    }
    assert set(dropped) == {
        "Bundle.entry[0].resource",
        "Bundle.entry[1].resource.reason",
        "Bundle.entry[1].resource.note",
        "Bundle.entry[1].resource.contained[0]",
    }
    assert bundle["entry"][1]["resource"]["note"], "the input is left untouched"


def test_strip_clinical_keeps_type_specific_names_where_they_are_not_clinical() -> None:
    coverage = {"resourceType": "Coverage", "status": "active", "reason": "kept"}
    assert strip_clinical(coverage) == (coverage, ())
    nested = {"resourceType": "ChargeItem", "performer": [{"reason": "kept"}]}
    assert strip_clinical(nested) == (nested, ())


def test_strip_clinical_reports_paths_and_never_values() -> None:
    secret = "HIV positive"
    _, dropped = strip_clinical({"diagnosis": [{"text": secret}], "lines": [{"note": secret}]})
    assert dropped == ("$.diagnosis", "$.lines[0].note")
    assert all(secret not in path for path in dropped)
