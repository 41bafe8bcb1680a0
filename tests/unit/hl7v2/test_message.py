"""The message view reads header facts and any value by a terse path, and shows no PHI."""

from __future__ import annotations

import pytest

from healthbridge.mappings.hl7v2 import FieldPath, parse_message, parse_path
from tests.unit.hl7v2.corpus import read_sample


def test_header_facts_come_from_msh_9_10_11_and_12() -> None:
    message = parse_message(read_sample("adt_a01_01.hl7"))
    assert message.message_type == "ADT"
    assert message.trigger_event == "A01"
    assert message.message_structure == "ADT_A01"
    assert message.control_id == "MSG00001"
    assert message.processing_id == "P"
    assert message.version == "2.8"
    assert message.msh.name == "MSH"


def test_a_merge_message_exposes_the_surviving_and_the_prior_identifier() -> None:
    message = parse_message(read_sample("adt_a40_01.hl7"))
    assert message.get("PID-3.1") == "12345"
    assert message.get("MRG-1.1") == "56789"


def test_paths_pick_repetitions_components_and_segment_occurrences() -> None:
    message = parse_message(read_sample("adt_a01_pyhl7_v23.hl7"))
    pid = message.segment("PID")
    assert pid is not None
    assert message.get("PID-3") == pid.value(3)
    assert message.get("PID-3[2].1") == pid.value(3, 2, 1)
    assert message.get("PID-3[2].4") == "MSH_EMPI"
    assert message.get("IN1[2]-1") == message.segments("IN1")[1].value(1)
    assert message.get("IN1[9]-1") == ""
    assert message.get("ZZZ-1") == ""


def test_segments_are_listed_by_id_in_message_order() -> None:
    message = parse_message(read_sample("adt_a01_v23.hl7"))
    assert [segment.sequence for segment in message.segments("IN1")] == [8, 10, 12]
    assert message.segments("ZZZ") == ()
    assert message.segment("IN1", 4) is None
    assert len(message.segments()) == len(message) == 12


def test_the_message_repr_shows_type_and_control_id_but_no_patient_data() -> None:
    message = parse_message(read_sample("adt_a40_01.hl7"))
    assert repr(message) == "Hl7Message('ADT^A40', control_id='8919-40', segments=4)"
    assert "12345" not in repr(message)


def test_a_lenient_parse_keeps_a_message_whose_header_is_incomplete() -> None:
    message = parse_message(read_sample("malformed_msh9_missing.hl7"), require_header=False)
    assert message.message_type == ""
    assert message.control_id == "0123456789"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("PID-3", FieldPath("PID", 3)),
        ("PID-3.1", FieldPath("PID", 3, component=1)),
        ("PID-3[2].4.2", FieldPath("PID", 3, repetition=2, component=4, subcomponent=2)),
        ("OBX[12]-5", FieldPath("OBX", 5, occurrence=12)),
        ("Z01-1", FieldPath("Z01", 1)),
    ],
)
def test_paths_parse_into_positions(path: str, expected: FieldPath) -> None:
    assert parse_path(path) == expected


@pytest.mark.parametrize(
    "path", ["PID", "PID-0", "pid-3", "PID-3.", "PID.3", "PID-3[0]", "PID-3.1.2.3"]
)
def test_a_malformed_path_is_a_caller_bug_reported_as_value_error(path: str) -> None:
    with pytest.raises(ValueError, match="is not an HL7 path"):
        parse_path(path)


def test_a_location_counts_occurrences_of_its_segment_id_as_err_2_does() -> None:
    message = parse_message(read_sample("adt_a01_v23.hl7"))
    second_in1 = message.segments("IN1")[1]
    where = message.locate(second_in1, field=4, component=1)
    assert (where.segment, where.occurrence, where.field, where.component) == ("IN1", 2, 4, 1)
    assert str(where) == "IN1[2]-4.1"
    assert message.get(str(where)) == second_in1.value(4, 1, 1)
