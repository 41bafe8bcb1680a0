"""The tokenizer splits what real senders send and rejects the rest with a precise reason."""

from __future__ import annotations

import pytest

from healthbridge.mappings.hl7v2 import (
    Delimiters,
    ErrorCondition,
    ErrorLocation,
    Hl7ParseError,
    tokenize,
)
from tests.unit.hl7v2.corpus import read_sample

SIMPLE = (
    "MSH|^~\\&|SEND|FAC|RECV|FAC|20240101120000||ADT^A01^ADT_A01|CTRL1|P|2.5.1\r"
    "EVN|A01|20240101120000\r"
    "PID|1||MRN1^^^HOSP^MR~MRN2^^^OTHER^MR||DOE^JANE^Q||19800101|F\r"
)


def test_segments_are_split_in_order_with_hl7_field_numbering() -> None:
    tokens = tokenize(SIMPLE)
    assert [segment.name for segment in tokens.segments] == ["MSH", "EVN", "PID"]
    assert [segment.sequence for segment in tokens.segments] == [1, 2, 3]
    msh, _, pid = tokens.segments
    assert msh.field(1) == "|"
    assert msh.field(2) == "^~\\&"
    assert msh.field(9) == "ADT^A01^ADT_A01"
    assert pid.field(5) == "DOE^JANE^Q"
    assert pid.field(99) == ""


def test_repetitions_components_and_subcomponents_split_on_demand() -> None:
    pid = tokenize(SIMPLE).segments[2]
    assert pid.repetitions(3) == ["MRN1^^^HOSP^MR", "MRN2^^^OTHER^MR"]
    assert pid.components(3, 2) == ["MRN2", "", "", "OTHER", "MR"]
    assert pid.value(3, 2, 4) == "OTHER"
    assert pid.value(5, 1, 2) == "JANE"


def test_empty_and_absent_parts_have_no_children_and_read_as_empty() -> None:
    pid = tokenize(SIMPLE).segments[2]
    assert pid.repetitions(2) == []
    assert pid.components(3, 5) == []
    assert pid.subcomponents(40) == []
    assert pid.value(3, 9, 9, 9) == ""
    assert pid.value(0) == ""


def test_delimiters_are_read_from_msh_1_and_msh_2() -> None:
    custom = SIMPLE.replace("|", "#").replace("^", "$").replace("~", "*").replace("&", "%")
    tokens = tokenize(custom)
    assert tokens.delimiters == Delimiters("#", "$", "*", "\\", "%")
    pid = tokens.segments[2]
    assert pid.value(3, 2, 4) == "OTHER"
    assert pid.field(1) == "1"


def test_a_v27_truncation_character_is_read_and_not_split_on() -> None:
    message = SIMPLE.replace("^~\\&|", "^~\\&#|", 1).replace("JANE", "JA#NE")
    tokens = tokenize(message)
    assert tokens.delimiters.truncation == "#"
    assert tokens.delimiters.encoding_characters == "^~\\&#"
    assert tokens.segments[2].value(5, 1, 2) == "JA#NE"


@pytest.mark.parametrize(
    "terminator", ["\r", "\n", "\r\n", "\r\r", "\r\n\r\n", "\r \r", "\n\t\n"], ids=repr
)
def test_any_mix_of_cr_lf_and_blank_lines_between_segments_is_one_terminator(
    terminator: str,
) -> None:
    message = SIMPLE.replace("\r", terminator)
    assert [segment.name for segment in tokenize(message).segments] == ["MSH", "EVN", "PID"]


def test_a_utf8_byte_order_mark_and_surrounding_whitespace_are_ignored() -> None:
    data = b"\xef\xbb\xbf  \r\n" + SIMPLE.encode() + b"\r\n  \n"
    tokens = tokenize(data)
    assert [segment.name for segment in tokens.segments] == ["MSH", "EVN", "PID"]
    assert tokens.segments[2].value(8) == "F"


def test_utf8_bytes_are_read_as_utf8_and_the_codec_is_reported() -> None:
    tokens = tokenize(SIMPLE.replace("JANE", "JOSÉ").encode("utf-8"))
    assert tokens.encoding == "utf-8"
    assert tokens.segments[2].value(5, 1, 2) == "JOSÉ"


def test_undeclared_windows_1252_bytes_are_read_as_windows_1252() -> None:
    tokens = tokenize(SIMPLE.replace("JANE", "JOSÉ MARÍA \u2019").encode("cp1252"))
    assert tokens.encoding == "cp1252"
    assert tokens.segments[2].value(5, 1, 2) == "JOSÉ MARÍA \u2019"


def test_msh_18_decides_the_character_set() -> None:
    message = SIMPLE.replace("|2.5.1\r", "|2.5.1||||||8859/1\r").replace("JANE", "JOSÉ")
    tokens = tokenize(message.encode("latin-1"))
    assert tokens.encoding == "iso8859-1"
    assert tokens.segments[2].value(5, 1, 2) == "JOSÉ"


def test_bytes_invalid_in_the_declared_character_set_are_rejected_at_msh_18() -> None:
    message = SIMPLE.replace("|2.5.1\r", "|2.5.1||||||UNICODE UTF-8\r").encode()
    with pytest.raises(Hl7ParseError) as caught:
        tokenize(message.replace(b"JANE", b"JO\xc9"))
    assert caught.value.location == ErrorLocation("MSH", 1, 18)
    assert caught.value.condition is ErrorCondition.DATA_TYPE_ERROR
    assert "byte" in str(caught.value)


def test_an_unknown_declared_character_set_is_a_table_value_error() -> None:
    message = SIMPLE.replace("|2.5.1\r", "|2.5.1||||||EBCDIC\r").replace("JANE", "JOSÉ")
    with pytest.raises(Hl7ParseError) as caught:
        tokenize(message.encode("utf-8"))
    assert caught.value.condition is ErrorCondition.TABLE_VALUE_NOT_FOUND


@pytest.mark.parametrize(
    ("message", "location", "condition", "reason"),
    [
        ("", ErrorLocation("MSH", 1), 100, "does not start with an MSH"),
        ("PID|1||X\r", ErrorLocation("MSH", 1), 100, "does not start with an MSH"),
        ("MSH", ErrorLocation("MSH", 1, 1), 101, "MSH-1"),
        ("MSHA^~\\&|X", ErrorLocation("MSH", 1, 1), 102, "MSH-1"),
        ("MSH|||||", ErrorLocation("MSH", 1, 2), 101, "MSH-2 (encoding characters) is empty"),
        ("MSH|^~\\|A|B", ErrorLocation("MSH", 1, 2), 102, "has 3 characters"),
        ("MSH|^~\\&#$|A", ErrorLocation("MSH", 1, 2), 102, "has 6 characters"),
        ("MSH|^&&^|A|B", ErrorLocation("MSH", 1, 2), 102, "repeats a delimiter"),
        ("MSH|^~\\\\&|A|B", ErrorLocation("MSH", 1, 2), 102, "repeats a delimiter"),
        ("MSH|^~|&|A|B", ErrorLocation("MSH", 1, 2), 102, "has 2 characters"),
        ("MSH|^~a&|A", ErrorLocation("MSH", 1, 2), 102, "not ASCII punctuation"),
        ("MSH|^~\\&|A\rpid|1\r", ErrorLocation("", 2), 100, "segment id"),
        ("MSH|^~\\&|A\rPI|1\r", ErrorLocation("", 2), 100, "segment id"),
        ("MSH|^~\\&|A\rPID1|1\r", ErrorLocation("", 2), 100, "segment id"),
        ("MSH|^~\\&|A\rMSH|^~\\&|B\r", ErrorLocation("MSH", 2), 100, "second MSH"),
    ],
)
def test_structural_errors_name_their_position_and_table_0357_condition(
    message: str, location: ErrorLocation, condition: int, reason: str
) -> None:
    with pytest.raises(Hl7ParseError) as caught:
        tokenize(message)
    error = caught.value
    assert error.code == "hl7.malformed"
    assert error.location == location
    assert error.condition == condition
    assert reason in str(error)


def test_an_error_message_never_quotes_the_offending_text() -> None:
    broken = SIMPLE + "SMITH JOHN 19800101|oops\r"
    with pytest.raises(Hl7ParseError) as caught:
        tokenize(broken)
    assert "SMITH" not in str(caught.value)
    assert "SMITH" not in repr(caught.value.to_dict())


def test_a_segment_repr_shows_its_shape_never_its_values() -> None:
    pid = tokenize(SIMPLE).segments[2]
    assert repr(pid) == "Segment('PID', sequence=3, fields=8)"
    assert "DOE" not in repr(pid)


def test_a_segment_writes_itself_back_as_it_was_read() -> None:
    tokens = tokenize(SIMPLE)
    assert "\r".join(segment.to_text() for segment in tokens.segments) + "\r" == SIMPLE


def test_a_real_crlf_message_with_blank_lines_tokenizes_like_its_cr_form() -> None:
    data = read_sample("edge_adt_o01_crlf_blank_lines.hl7")
    assert b"\r\n\r\n" in data
    normalised = b"\r".join(line.strip() for line in data.splitlines() if line.strip())
    ours = tokenize(data)
    reference = tokenize(normalised)
    assert [s.fields for s in ours.segments] == [s.fields for s in reference.segments]
    assert [s.name for s in ours.segments] == ["MSH", "PID", "NK1", "NK1", "PV1"]
