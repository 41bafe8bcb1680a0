"""ACKs mirror the inbound message, say exactly what failed, and read back in python-hl7."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import hl7
import pytest

from healthbridge.core.errors import ConfigError
from healthbridge.mappings.hl7v2 import (
    AckCode,
    AckError,
    ErrorCondition,
    ErrorLocation,
    Hl7Error,
    Hl7Message,
    Hl7ParseError,
    Hl7UnsupportedMessageError,
    ack_code_for,
    build_ack,
    hl7_timestamp,
    parse_message,
)
from tests.unit.hl7v2.corpus import read_sample
from tests.unit.hl7v2.test_samples import PARSED, REJECTED

STAMP = "20240131235959+0000"
MISSING_NAME = AckError(
    ErrorCondition.REQUIRED_FIELD_MISSING,
    "PID-5 (patient name) is empty",
    ErrorLocation("PID", 3, 5, component=1),
    error_code="mapping.required_field",
)


def _ack(inbound: Hl7Message | None, code: AckCode, *errors: AckError, control_id: str = "ACK1"):
    raw = build_ack(inbound, code, control_id=control_id, timestamp=STAMP, errors=errors)
    return raw, parse_message(raw), hl7.parse(raw.decode())


def test_an_aa_ack_swaps_applications_and_echoes_the_control_id() -> None:
    inbound = parse_message(read_sample("adt_a01_01.hl7"))
    raw, ours, theirs = _ack(inbound, AckCode.ACCEPT)
    assert [segment.name for segment in ours.segments()] == ["MSH", "MSA"]
    assert raw.endswith(b"\r")
    for ack_field, inbound_field in [(3, 5), (4, 6), (5, 3), (6, 4)]:
        assert ours.msh.field(ack_field) == inbound.msh.field(inbound_field)
        assert str(theirs.segment("MSH")(ack_field)) == inbound.msh.field(inbound_field)
    assert ours.msh.field(7) == STAMP
    assert ours.msh.field(9) == "ACK^A01^ACK"
    assert (ours.control_id, ours.processing_id, ours.version) == ("ACK1", "P", "2.8")
    assert theirs["MSA.F1"] == "AA"
    assert theirs["MSA.F2"] == inbound.control_id == "MSG00001"


def test_an_ae_ack_for_v25_and_later_locates_the_error_in_err_2_to_8() -> None:
    inbound = parse_message(read_sample("adt_a01_01.hl7"))
    _, ours, theirs = _ack(inbound, AckCode.ERROR, MISSING_NAME)
    assert [segment.name for segment in ours.segments()] == ["MSH", "MSA", "ERR"]
    assert ours.get("MSA-1") == "AE"
    err = ours.segment("ERR")
    assert err is not None
    assert err.field(2) == "PID^3^5^1^1"
    assert err.field(3) == "101^Required field missing^HL70357"
    assert err.field(4) == "E"
    assert err.field(5) == "mapping.required_field"
    assert err.value(8) == "PID-5 (patient name) is empty"
    assert theirs["ERR.F2.R1.C1"] == "PID"
    assert theirs["ERR.F3.R1.C1"] == "101"
    assert theirs["ERR.F3.R1.C3"] == "HL70357"


def test_an_ack_for_v23_uses_msa_3_and_the_err_1_element_form() -> None:
    inbound = parse_message(read_sample("adt_a01_v23.hl7"))
    second = AckError(ErrorCondition.TABLE_VALUE_NOT_FOUND, "PID-8 (sex) is not in table 0001")
    _, ours, theirs = _ack(inbound, AckCode.ERROR, MISSING_NAME, second)
    assert ours.msh.field(9) == "ACK^A01"
    assert ours.version == "2.3"
    assert ours.get("MSA-3") == "PID-5 (patient name) is empty"
    assert ours.get("MSA-6.1") == "101"
    err = ours.segment("ERR")
    assert err is not None
    assert err.repetitions(1) == [
        "PID^3^5^101&Required field missing&HL70357",
        "^^^103&Table value not found&HL70357",
    ]
    assert theirs["ERR.F1.R2.C4.S1"] == "103"


def test_multiple_errors_give_one_err_segment_each_from_v25() -> None:
    inbound = parse_message(read_sample("adt_a01_03.hl7"))
    other = AckError(ErrorCondition.DATA_TYPE_ERROR, "PID-7 (birth date) is not a date")
    _, ours, _ = _ack(inbound, AckCode.ERROR, MISSING_NAME, other)
    assert [s.value(3) for s in ours.segments("ERR")] == ["101", "102"]


def test_an_ack_mirrors_the_inbound_delimiters_and_escapes_its_own_text() -> None:
    data = read_sample("adt_a01_03.hl7")
    custom = data.translate(bytes.maketrans(b"|^~&", b"#$*%"))
    inbound = parse_message(custom)
    assert inbound.delimiters.encoding_characters == "$*\\%"
    error = AckError(ErrorCondition.APPLICATION_INTERNAL_ERROR, "odd # $ * % \\ text")
    raw, ours, theirs = _ack(inbound, AckCode.ERROR, error)
    assert raw.startswith(b"MSH#$*\\%#")
    assert ours.delimiters == inbound.delimiters
    assert ours.get("ERR-8") == "odd # $ * % \\ text"
    assert theirs["ERR.F8"] == "odd # $ * % \\ text"
    assert theirs["MSA.F2"] == inbound.control_id


def test_an_ack_for_an_unreadable_message_is_a_default_v251_reject() -> None:
    error = AckError.from_error(Hl7ParseError("message does not start with an MSH segment"))
    raw, ours, theirs = _ack(None, AckCode.REJECT, error)
    assert raw.startswith(b"MSH|^~\\&|")
    assert ours.msh.field(9) == "ACK"
    assert ours.version == "2.5.1"
    assert ours.get("MSA-1") == "AR"
    assert ours.get("MSA-2") == ""
    assert ours.get("ERR-5") == "hl7.malformed"
    assert theirs["MSA.F1"] == "AR"


def test_the_ack_control_id_is_the_one_given_never_the_inbound_one() -> None:
    inbound = parse_message(read_sample("adt_a40_01.hl7"))
    ids = {_ack(inbound, AckCode.ACCEPT, control_id=f"A{n}")[1].control_id for n in range(5)}
    assert ids == {"A0", "A1", "A2", "A3", "A4"}
    assert inbound.control_id not in ids


@pytest.mark.parametrize("name", sorted(PARSED))
def test_every_parsed_sample_gets_an_ack_that_both_parsers_read_and_that_quotes_no_pid(
    name: str,
) -> None:
    inbound = parse_message(read_sample(name))
    raw, ours, theirs = _ack(inbound, AckCode.ERROR, MISSING_NAME)
    assert ours.get("MSA-2") == inbound.control_id
    assert theirs["MSA.F2"] == inbound.msh.field(10)
    assert ours.trigger_event == inbound.trigger_event
    pid = inbound.segment("PID")
    header = inbound.msh.to_text()
    for position in range(1, pid.field_count + 1) if pid else ():
        value = pid.field(position)
        if len(value) > 3 and value not in header:
            assert value.encode() not in raw, f"PID-{position} leaked into the ACK"


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_every_rejected_sample_gets_an_ar_from_what_its_header_still_says(name: str) -> None:
    data = read_sample(name)
    with pytest.raises(Hl7ParseError) as caught:
        parse_message(data)
    try:
        inbound: Hl7Message | None = parse_message(data, require_header=False)
    except Hl7ParseError:
        inbound = None
    _, ours, theirs = _ack(inbound, ack_code_for(caught.value), AckError.from_error(caught.value))
    assert ours.get("MSA-1") == theirs["MSA.F1"] == "AR"
    assert ours.get("ERR-3") == str(int(caught.value.condition))
    assert ours.get("ERR-8") == str(caught.value)
    if inbound is not None:
        assert ours.get("MSA-2") == inbound.control_id


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (Hl7ParseError("x"), AckCode.REJECT),
        (Hl7UnsupportedMessageError("x"), AckCode.REJECT),
        (Hl7Error("x", condition=ErrorCondition.TABLE_VALUE_NOT_FOUND), AckCode.ERROR),
        (ConfigError("x"), AckCode.ERROR),
        (RuntimeError("x"), AckCode.ERROR),
    ],
)
def test_unusable_messages_are_rejected_and_processing_failures_are_errors(
    error: BaseException, code: AckCode
) -> None:
    assert ack_code_for(error) is code


def test_a_non_hl7_error_becomes_an_application_internal_error_with_its_safe_text() -> None:
    details = AckError.from_error(ConfigError("the Odoo connection is not configured"))
    assert details.condition is ErrorCondition.APPLICATION_INTERNAL_ERROR
    assert details.error_code == "config.invalid"
    assert details.text == "the Odoo connection is not configured"


def test_timestamps_are_utc_hl7_datetimes_with_an_offset() -> None:
    moment = datetime(2024, 1, 31, 18, 59, 59, tzinfo=timezone(timedelta(hours=-5)))
    assert hl7_timestamp(moment) == "20240131235959+0000"
    assert hl7_timestamp(datetime(2024, 1, 1, tzinfo=UTC)) == "20240101000000+0000"
