"""Comparing two mapping outputs field by field, with PHI masked unless asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from healthbridge.canonical import DataClass, Patient
from healthbridge.mappings.dry_run import MASK, compare_outputs, flatten
from healthbridge.mappings.hl7v2 import Hl7Message, parse_message, patient_from_pid, staff_updates
from healthbridge.mappings.registry import UnknownMappingError, default_registry
from healthbridge.services.mapping_dry_run import UNEXPECTED, dry_run
from tests.unit.mappings.golden.hl7_messages import ADMISSION, CHARGES, STAFF, UPDATE_WITHOUT_NAME


def _patient() -> Patient:
    return patient_from_pid(parse_message(ADMISSION))


def _other_birth_date(message: Hl7Message) -> Patient:
    return patient_from_pid(message).model_copy(update={"birth_date": date(1990, 3, 15)})


def test_two_equal_outputs_have_no_differences() -> None:
    assert compare_outputs(_patient(), _patient()) == []


def test_a_changed_field_is_named_by_its_path_with_both_values_and_its_class() -> None:
    old = _patient()
    new = old.model_copy(update={"birth_date": date(1990, 3, 15)})
    [difference] = compare_outputs(old, new)
    assert difference.path == "birth_date"
    assert (difference.old, difference.new) == ("1990-03-14", "1990-03-15")
    assert difference.data_class is DataClass.PHI


def test_nested_and_listed_fields_are_named_with_their_index() -> None:
    old = _patient()
    name = old.names[0].model_copy(update={"family": "Tuk"})
    new = old.model_copy(update={"names": (name,)})
    assert [d.path for d in compare_outputs(old, new)] == ["names[0].family"]


def test_a_leaf_only_one_side_has_is_reported_with_none_on_the_other() -> None:
    old = _patient()
    new = old.model_copy(update={"addresses": ()})
    differences = compare_outputs(old, new)
    assert {d.path for d in differences} >= {"addresses[0].city", "addresses[0].postal_code"}
    assert all(d.new is None for d in differences)


def test_phi_values_are_masked_by_default_and_shown_only_when_asked() -> None:
    old = _patient()
    new = old.model_copy(update={"birth_date": date(1990, 3, 15)})
    [difference] = compare_outputs(old, new)
    assert difference.shown() == (MASK, MASK)
    assert difference.shown(show_values=True) == ("'1990-03-14'", "'1990-03-15'")


def test_operational_values_are_shown_without_asking() -> None:
    old = _patient()
    [difference] = compare_outputs(old, old.model_copy(update={"active": False}))
    assert difference.data_class is DataClass.OPERATIONAL
    assert difference.shown() == ("True", "False")


def test_fields_of_no_known_class_are_masked_because_they_cannot_be_proven_safe() -> None:
    @dataclass(frozen=True)
    class Wrapper:
        key: str

    [difference] = compare_outputs(Wrapper("E-1"), Wrapper("E-2"))
    assert difference.data_class is None
    assert difference.shown() == (MASK, MASK)


def test_staff_updates_flatten_through_the_dataclass_into_the_practitioner() -> None:
    leaves = flatten(staff_updates(parse_message(STAFF)))
    assert leaves["[0].practitioner.names[0].family"].value == "Elrond"
    assert leaves["[0].practitioner.names[0].family"].data_class is DataClass.PII
    assert leaves["[1].action"].value == "deactivate"


def test_every_inbound_mapping_is_registered_with_a_current_version() -> None:
    registry = default_registry()
    names = registry.names()
    assert {"hl7v2.patient", "hl7v2.staff", "hl7v2.charges", "odoo.patient"} <= set(names)
    assert {"odoo.product", "odoo.invoice", "fhir.patient", "fhir.device"} <= set(names)
    for name in names:
        assert registry.versions(name) == [registry.current(name).version]


def test_a_candidate_lives_beside_the_current_version_without_replacing_it() -> None:
    registry = default_registry()
    registry.register("hl7v2.patient", "1.1.0", _other_birth_date)
    assert registry.versions("hl7v2.patient") == ["1.0.0", "1.1.0"]
    assert registry.current("hl7v2.patient").version == "1.0.0"
    assert (
        registry.get("hl7v2.patient", "1.1.0").sources == registry.current("hl7v2.patient").sources
    )
    with pytest.raises(ValueError, match="already registered"):
        registry.register("hl7v2.patient", "1.1.0", _other_birth_date)


def test_an_unknown_version_is_a_clean_error_naming_the_registered_ones() -> None:
    with pytest.raises(UnknownMappingError, match=r"registered: 1\.0\.0") as caught:
        default_registry().get("hl7v2.patient", "9.9.9")
    assert caught.value.code == "mapping.unknown_version"


@dataclass(frozen=True)
class _Stored:
    id: int
    raw: bytes
    message_type: str | None
    trigger_event: str | None


class _Log:
    """An in-memory message log: the read-only port of the dry run."""

    def __init__(self, *raws: str) -> None:
        parsed = [parse_message(raw) for raw in raws]
        self._rows = [
            _Stored(i, raw.encode(), message.message_type, message.trigger_event)
            for i, (raw, message) in enumerate(zip(raws, parsed, strict=True), start=1)
        ]

    async def latest(self, limit: int = 50) -> list[_Stored]:
        return list(reversed(self._rows))[:limit]


async def test_a_dry_run_reports_each_replayed_message_by_outcome() -> None:
    registry = default_registry()
    registry.register("hl7v2.patient", "1.1.0", _other_birth_date)
    log = _Log(ADMISSION, CHARGES, UPDATE_WITHOUT_NAME)
    report = await dry_run(registry, "hl7v2.patient", "1.1.0", messages=log)
    assert report.replayed == 2  # the DFT is not an ADT
    [different] = report.different
    assert [d.path for d in different.differences] == ["birth_date"]
    [failed] = report.failed
    assert failed.current_error == failed.candidate_error == "hl7.mapping"


async def test_a_candidate_that_crashes_is_reported_not_raised() -> None:
    def broken(message: Hl7Message) -> Patient:
        raise RuntimeError("bug")

    registry = default_registry()
    registry.register("hl7v2.patient", "2.0.0", broken)
    report = await dry_run(registry, "hl7v2.patient", "2.0.0", messages=_Log(ADMISSION))
    [failed] = report.failed
    assert (failed.current_error, failed.candidate_error) == (None, UNEXPECTED)
