"""Every shared HL7 v2 sample is parsed as its type, or rejected with the exact reason.

The table below is the specification: one row per file. Files added to the shared folder
later are still checked (parsed with a valid header, or rejected with a located reason)
until someone gives them a row. A second test holds the parse against the data's own
MANIFEST (MSH-9, version and segment list written by whoever collected the files), and a
third reads every sample with python-hl7 as a third-party check of the raw structure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import hl7
import pytest

from healthbridge.mappings.hl7v2 import ErrorCondition, Hl7Message, Hl7ParseError, parse_message
from tests.unit.hl7v2.corpus import HL7V2_DIR, our_tree, read_sample, reference_tree, sample_names

# file -> (MSH-9.1, MSH-9.2, MSH-12, number of segments)
PARSED: dict[str, tuple[str, str, str, int]] = {
    "adt_a01_01.hl7": ("ADT", "A01", "2.8", 24),
    "adt_a01_02.hl7": ("ADT", "A01", "2.8", 4),
    "adt_a01_03.hl7": ("ADT", "A01", "2.5.1", 5),
    "adt_a01_pyhl7_v23.hl7": ("ADT", "A01", "2.3", 9),
    "adt_a01_v23.hl7": ("ADT", "A01", "2.3", 12),
    "adt_a02_01.hl7": ("ADT", "A02", "2.8", 14),
    "adt_a03_01.hl7": ("ADT", "A03", "2.8", 24),
    "adt_a03_02.hl7": ("ADT", "A03", "2.8", 4),
    "adt_a04_01.hl7": ("ADT", "A04", "2.8", 24),
    "adt_a04_02.hl7": ("ADT", "A04", "2.3", 4),
    "adt_a04_v23.hl7": ("ADT", "A04", "2.3", 8),
    "adt_a05_01.hl7": ("ADT", "A05", "2.8", 23),
    "adt_a08_01.hl7": ("ADT", "A08", "2.8", 24),
    "adt_a08_02.hl7": ("ADT", "A08", "2.8", 4),
    "adt_a11_01.hl7": ("ADT", "A11", "2.8", 9),
    "adt_a28_01.hl7": ("ADT", "A28", "2.8", 23),
    "adt_a28_02.hl7": ("ADT", "A28", "2.8", 4),
    "adt_a31_01.hl7": ("ADT", "A31", "2.8", 23),
    "adt_a31_02.hl7": ("ADT", "A31", "2.8", 4),
    "adt_a40_01.hl7": ("ADT", "A40", "2.8", 4),
    "adt_a47_01.hl7": ("ADT", "A47", "2.8", 5),
    "bar_p01_01.hl7": ("BAR", "P01", "2.8", 20),
    "dft_p03_01.hl7": ("DFT", "P03", "2.8", 19),
    "dft_p11_01.hl7": ("DFT", "P11", "2.8", 19),
    # CRLF terminators, blank lines and a trailing space line: all tolerated.
    "edge_adt_o01_crlf_blank_lines.hl7": ("ADT", "O01", "2.3", 5),
    "mfn_m02_01.hl7": ("MFN", "M02", "2.3.1", 5),
    "oml_o33_multi_specimen.hl7": ("OML", "O33", "2.5", 17),
    "orm_o01_01.hl7": ("ORM", "O01", "2.6", 12),
    "orm_o01_02.hl7": ("ORM", "O01", "2.6", 15),
    "orm_o01_04.hl7": ("ORM", "O01", "2.6", 13),
    "orm_o01_escapes_crlf.hl7": ("ORM", "O01", "2.3", 7),
    "orm_o01_lab.hl7": ("ORM", "O01", "2.3", 5),
    "oru_r01_01.hl7": ("ORU", "R01", "2.5.1", 29),
    "oru_r01_lab.hl7": ("ORU", "R01", "2.5", 16),
    "oru_r01_nist_elr_1.hl7": ("ORU", "R01", "2.5.1", 7),
    "oru_r01_pyhl7.hl7": ("ORU", "R01", "2.4", 5),
    "rde_o11_01.hl7": ("RDE", "O11", "2.8", 29),
    "rds_o13_01.hl7": ("RDS", "O13", "2.8", 28),
    "rsp_k22_pdq_response.hl7": ("RSP", "K22", "2.5", 5),
    "siu_s12_01.hl7": ("SIU", "S12", "2.8", 18),
    "siu_s12_02.hl7": ("SIU", "S12", "2.8", 28),
    "siu_s13_01.hl7": ("SIU", "S13", "2.8", 14),
    "siu_s14_corepoint.hl7": ("SIU", "S14", "2.3", 8),
    "siu_s15_01.hl7": ("SIU", "S15", "2.8", 14),
}

# file -> (where, table 0357 condition, reason)
REJECTED: dict[str, tuple[str, ErrorCondition, str]] = {
    "malformed_msh2_empty_encoding_chars.hl7": (
        "MSH-2",
        ErrorCondition.REQUIRED_FIELD_MISSING,
        "MSH-2 (encoding characters) is empty",
    ),
    "malformed_msh9_missing.hl7": (
        "MSH-9.1",
        ErrorCondition.REQUIRED_FIELD_MISSING,
        "MSH-9.1 (message type) is empty",
    ),
    "malformed_truncated_msh_short.hl7": (
        "MSH-9.1",
        ErrorCondition.REQUIRED_FIELD_MISSING,
        "MSH-9.1 (message type) is empty",
    ),
}

ALL_NAMES = sorted(set(PARSED) | set(REJECTED) | set(sample_names()))


def _outcome(data: bytes) -> Hl7Message | Hl7ParseError:
    try:
        return parse_message(data)
    except Hl7ParseError as error:
        return error


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_shared_sample_is_parsed_as_its_type_or_rejected_with_a_precise_reason(
    name: str,
) -> None:
    outcome = _outcome(read_sample(name))
    if name in PARSED:
        code, event, version, count = PARSED[name]
        assert not isinstance(outcome, Hl7ParseError), f"{name} rejected: {outcome}"
        assert (outcome.message_type, outcome.trigger_event) == (code, event)
        assert outcome.version == version
        assert len(outcome) == count
    elif name in REJECTED:
        where, condition, reason = REJECTED[name]
        assert isinstance(outcome, Hl7ParseError), f"{name} was accepted"
        assert (str(outcome.location), outcome.condition) == (where, condition)
        assert str(outcome) == reason
    elif isinstance(outcome, Hl7ParseError):  # a new file without a row yet
        assert outcome.location is not None
        assert outcome.code == "hl7.malformed"
    else:
        assert outcome.message_type
        assert outcome.control_id


def _manifest_rows() -> dict[str, str]:
    manifest = HL7V2_DIR.parent / "MANIFEST.md"
    if not manifest.is_file():
        return {}
    rows = re.findall(r"^\| `hl7v2/([^`]+)` \|.*\| ([^|]*) \|$", manifest.read_text(), re.M)
    return dict(rows)


def _expand(segments: str) -> list[str]:
    names: list[str] = []
    for token in segments.split():
        name, _, times = token.partition("x")
        names += [name] * int(times or 1)
    return names


MANIFEST = {
    name: description
    for name, description in _manifest_rows().items()
    if name in PARSED and "; segs " in description
}


@pytest.mark.parametrize("name", sorted(MANIFEST) or ["(no manifest)"])
def test_the_parse_agrees_with_the_data_manifest_on_type_version_and_segments(name: str) -> None:
    if name not in MANIFEST:
        pytest.skip("the shared MANIFEST.md was not found")
    match = re.match(r"MSH-9=(\S+); v(\S+); segs ([A-Z0-9x ]+);", MANIFEST[name])
    assert match, f"unexpected manifest row for {name}"
    message = parse_message(read_sample(name))
    assert message.msh.field(9) == match.group(1)
    assert message.version == match.group(2)
    # The manifest summarises repeats ("IN1x3 IN2x2"), so compare which segments and how many.
    assert Counter(segment.name for segment in message.segments()) == Counter(
        _expand(match.group(3))
    )


@pytest.mark.parametrize("name", sorted(PARSED))
def test_every_parsed_sample_has_the_same_raw_structure_as_python_hl7(name: str) -> None:
    data = read_sample(name)
    ours = parse_message(data)
    # python-hl7 splits segments on CR only: give it the CR form of CRLF samples.
    text = "\r".join(
        line for line in data.decode(ours.encoding or "utf-8").splitlines() if line.strip()
    )
    reference = hl7.parse(text)
    assert len(ours) == len(reference)
    for segment, expected in zip(ours.segments(), reference, strict=True):
        assert segment.name == str(expected[0])
        for position in range(1, len(expected)):
            assert our_tree(segment, position) == reference_tree(expected[position])


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda data: b"\xef\xbb\xbf" + data, id="utf8-bom"),
        pytest.param(lambda data: data.replace(b"\r", b"\r\n"), id="crlf"),
        pytest.param(lambda data: data.replace(b"\r", b"\n"), id="lf"),
        pytest.param(lambda data: data.replace(b"\r", b"\r\n\r\n"), id="blank-lines"),
        pytest.param(lambda data: b"\r\n " + data.rstrip(b"\r") + b"  \r\n\t", id="padding"),
        pytest.param(lambda data: data.rstrip(b"\r"), id="no-final-terminator"),
    ],
)
@pytest.mark.parametrize("name", ["adt_a01_01.hl7", "adt_a04_v23.hl7", "dft_p03_01.hl7"])
def test_real_messages_read_the_same_whatever_their_terminators_bom_or_padding(
    name: str, variant: Callable[[bytes], bytes]
) -> None:
    data = read_sample(name)
    expected = parse_message(data)
    altered = parse_message(variant(data))
    assert [s.fields for s in altered.segments()] == [s.fields for s in expected.segments()]


def test_a_real_message_with_a_windows_1252_name_parses_and_says_so() -> None:
    data = read_sample("adt_a01_v23.hl7")
    family = parse_message(data).get("PID-5.1")
    altered = data.replace(family.encode(), family.encode() + "É".encode("cp1252"), 1)
    message = parse_message(altered)
    assert message.encoding == "cp1252"
    assert message.get("PID-5.1") == family + "É"


def test_a_real_message_with_a_doubled_escape_character_in_msh_2_is_rejected_at_msh_2() -> None:
    data = read_sample("adt_a01_03.hl7").replace(b"^~\\&", b"^~\\\\&", 1)
    with pytest.raises(Hl7ParseError) as caught:
        parse_message(data)
    assert str(caught.value.location) == "MSH-2"
    assert caught.value.condition is ErrorCondition.DATA_TYPE_ERROR


@pytest.mark.parametrize(
    ("field", "value", "where", "condition"),
    [
        (9, b"ADT^", "MSH-9.2", ErrorCondition.REQUIRED_FIELD_MISSING),
        (9, b"adt^a01", "MSH-9.1", ErrorCondition.DATA_TYPE_ERROR),
        (9, b"ADT^A01X", "MSH-9.2", ErrorCondition.DATA_TYPE_ERROR),
        (10, b"", "MSH-10", ErrorCondition.REQUIRED_FIELD_MISSING),
        (11, b"", "MSH-11", ErrorCondition.REQUIRED_FIELD_MISSING),
        (11, b"X", "MSH-11.1", ErrorCondition.UNSUPPORTED_PROCESSING_ID),
        (12, b"", "MSH-12", ErrorCondition.REQUIRED_FIELD_MISSING),
        (12, b"3.0", "MSH-12.1", ErrorCondition.UNSUPPORTED_VERSION_ID),
        (12, b"2.10", "MSH-12.1", ErrorCondition.UNSUPPORTED_VERSION_ID),
    ],
)
def test_a_real_message_with_a_broken_header_field_is_rejected_at_that_field(
    field: int, value: bytes, where: str, condition: ErrorCondition
) -> None:
    data = read_sample("adt_a01_03.hl7")
    msh, rest = data.split(b"\r", 1)
    fields = msh.split(b"|")
    fields[field - 1] = value
    with pytest.raises(Hl7ParseError) as caught:
        parse_message(b"|".join(fields) + b"\r" + rest)
    assert (str(caught.value.location), caught.value.condition) == (where, condition)
