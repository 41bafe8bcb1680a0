"""The listener's own ACKs: AR for unusable input, AE for failures, no exception text."""

from __future__ import annotations

import hl7
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthbridge.connectors.hl7v2 import (
    ControlIdSequence,
    failure_ack,
    oversize_ack,
    read_header,
    timeout_ack,
)
from healthbridge.mappings.hl7v2 import Hl7ParseError, Hl7UnsupportedMessageError, parse_message
from tests.unit.hl7v2.corpus import read_sample

IDS = {"control_id": "HB1", "timestamp": "20240101000000+0000"}


def test_a_malformed_message_gets_an_ar_that_locates_the_problem() -> None:
    data = read_sample("malformed_msh9_missing.hl7")
    with pytest.raises(Hl7ParseError) as caught:
        parse_message(data)
    ack = parse_message(failure_ack(data, caught.value, **IDS))
    assert ack.get("MSA-1") == "AR"
    assert ack.get("MSA-2") == "0123456789"
    assert ack.segment("ERR").field(2) == "MSH^1^9^1^1"  # type: ignore[union-attr]
    assert ack.get("ERR-3") == "101"


def test_an_unsupported_message_gets_an_ar_with_condition_200() -> None:
    data = read_sample("siu_s12_01.hl7")
    error = Hl7UnsupportedMessageError("SIU^S12 is not handled by this hub")
    ack = parse_message(failure_ack(data, error, **IDS))
    assert (ack.get("MSA-1"), ack.get("ERR-3"), ack.get("ERR-5")) == (
        "AR",
        "200",
        "hl7.unsupported_message",
    )
    assert ack.get("ERR-8") == "SIU^S12 is not handled by this hub"


def test_an_unexpected_exception_gets_an_ae_207_without_its_text() -> None:
    data = read_sample("adt_a01_02.hl7")
    error = KeyError("EVERYMAN ADAM")
    raw = failure_ack(data, error, **IDS)
    ack = parse_message(raw)
    assert (ack.get("MSA-1"), ack.get("MSA-2"), ack.get("ERR-3")) == ("AE", "MSG00001", "207")
    assert b"EVERYMAN" not in raw
    assert b"KeyError" not in raw


def test_a_timed_out_handler_gets_an_ae_naming_the_limit() -> None:
    ack = parse_message(timeout_ack(read_sample("adt_a01_02.hl7"), 2.5, **IDS))
    assert (ack.get("MSA-1"), ack.get("ERR-5")) == ("AE", "mllp.handler_timeout")
    assert "2.5 seconds" in ack.get("ERR-8")


def test_an_oversized_message_gets_an_ar_from_its_first_bytes() -> None:
    head = read_sample("adt_a01_01.hl7")[:700]
    ack = parse_message(oversize_ack(head, 500, **IDS))
    assert (ack.get("MSA-1"), ack.get("MSA-2")) == ("AR", "MSG00001")
    assert ack.get("ERR-8") == "message exceeds the 500-byte limit of this receiver"


def test_the_header_is_read_even_when_the_body_is_broken() -> None:
    data = read_sample("adt_a04_02.hl7").replace(b"\rPID|", b"\rp!d|")
    header = read_header(data)
    assert header is not None
    assert header.control_id == "1270326314"
    assert read_header(b"not hl7 at all") is None


def test_control_ids_are_unique_and_fit_the_20_character_limit() -> None:
    ids = ControlIdSequence()
    issued = [ids() for _ in range(10_000)]
    assert len(set(issued)) == len(issued)
    assert {len(value) for value in issued} == {20}
    assert ControlIdSequence()() != ControlIdSequence()()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.binary(max_size=300).map(lambda b: b"MSH|^~\\&|" + b))
def test_any_bytes_get_an_ack_that_python_hl7_reads(data: bytes) -> None:
    raw = failure_ack(data, RuntimeError("boom"), **IDS)
    # The ACK is itself a valid message: it passes our strict header check.
    theirs = hl7.parse(raw.decode("utf-8", "replace"))
    assert theirs["MSA.F1"] == "AE"
    assert parse_message(raw).get("ERR-3") == "207"


def test_a_garbled_trigger_event_is_not_mirrored_into_the_ack() -> None:
    data = read_sample("adt_a04_02.hl7").replace(b"ADT^A04", b"ADT^A0\\X41\\x", 1)
    ack = parse_message(failure_ack(data, RuntimeError("boom"), **IDS))
    assert ack.msh.field(9) == "ACK"
