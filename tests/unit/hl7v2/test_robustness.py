"""Whatever bytes arrive, the parser either returns a message or raises ``Hl7ParseError``.

Random bytes, random text after a valid-looking ``MSH|^~\\&|``, every real sample cut at
any point, and real samples with bytes overwritten: no other exception may escape, and a
rejection always names a location and an HL7 table 0357 condition.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.mappings.hl7v2 import ErrorCondition, Hl7Message, Hl7ParseError, parse_message
from tests.unit.hl7v2.corpus import HL7V2_DIR, sample_names

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLES = {name: (HL7V2_DIR / name).read_bytes() for name in sample_names()}
SAMPLE_NAMES = sorted(SAMPLES) or ["(no shared data)"]
HEADER = b"MSH|^~\\&|"
INTERESTING = [
    b"\r",
    b"\n",
    b"|",
    b"^",
    b"~",
    b"\\",
    b"&",
    b"MSH",
    b"\xef\xbb\xbf",
    b"\x0b",
    b"\x1c",
]


def _outcome(data: bytes, *, require_header: bool) -> Hl7Message | Hl7ParseError:
    try:
        return parse_message(data, require_header=require_header)
    except Hl7ParseError as error:
        return error


def _parses_or_rejects_cleanly(data: bytes) -> None:
    for require_header in (True, False):
        outcome = _outcome(data, require_header=require_header)
        if isinstance(outcome, Hl7ParseError):
            assert outcome.code == "hl7.malformed"
            assert isinstance(outcome.condition, ErrorCondition)
            assert outcome.location is not None
            continue
        assert outcome.msh.name == "MSH"
        for segment in outcome.segments():
            for position in range(segment.field_count + 1):
                segment.value(position, 2, 2, 2)
                segment.subcomponents(position)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_only_ever_raise_hl7_parse_error(data: bytes) -> None:
    _parses_or_rejects_cleanly(data)


@SETTINGS
@given(st.lists(st.binary(max_size=12) | st.sampled_from(INTERESTING), max_size=40))
def test_random_bytes_after_a_plausible_header_only_ever_raise_hl7_parse_error(
    pieces: list[bytes],
) -> None:
    _parses_or_rejects_cleanly(HEADER + b"".join(pieces))


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_only_ever_raises_hl7_parse_error(text: str) -> None:
    _parses_or_rejects_cleanly(("MSH|^~\\&|" + text).encode())


@SETTINGS
@given(st.sampled_from(SAMPLE_NAMES), st.floats(0, 1))
def test_every_real_message_cut_anywhere_parses_or_is_rejected_cleanly(
    name: str, fraction: float
) -> None:
    data = SAMPLES.get(name, b"")
    _parses_or_rejects_cleanly(data[: int(len(data) * fraction)])


@SETTINGS
@given(
    st.sampled_from(SAMPLE_NAMES),
    st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=3)), max_size=4),
)
def test_real_messages_with_overwritten_bytes_parse_or_are_rejected_cleanly(
    name: str, edits: list[tuple[float, bytes]]
) -> None:
    data = bytearray(SAMPLES.get(name, b""))
    for fraction, replacement in edits:
        at = int(len(data) * fraction)
        data[at : at + len(replacement)] = replacement
    _parses_or_rejects_cleanly(bytes(data))
