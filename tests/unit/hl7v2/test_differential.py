"""Differential property tests: our tokenizer reads every value exactly as python-hl7 does.

Hypothesis writes messages with random delimiters (declared in MSH-1/MSH-2, with or
without the v2.7 truncation character), random segments, repetitions, components,
subcomponents and escape sequences, and both parsers read them. Compared like with like:

- raw (still escaped) structure: every field, repetition, component and subcomponent
  against ``hl7.parse``'s tree, which does not unescape;
- unescaped leaves: ``Segment.value`` against ``Message.extract_field``, which does.

The escapes generated are the ones whose meaning both parsers share (``\\F\\ \\S\\ \\T\\
\\R\\ \\E\\`` and ASCII ``\\Xhh\\``); the deliberate differences (line breaks, highlighting,
non-ASCII hex, unknown sequences) are pinned in ``test_escaping``. One more difference by
design: an empty field has no repetitions for us (``[]``) where python-hl7 shows one empty
string; ``our_tree`` reads ``[]`` as ``[""]`` for the comparison.
"""

from __future__ import annotations

import string

import hl7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.mappings.hl7v2 import Delimiters, parse_message, tokenize
from tests.unit.hl7v2.corpus import our_tree, reference_tree

PUNCTUATION = "|^~\\&#!$%*+,;<=>?@[]_`{}'\"()"
SEGMENT_IDS = ["EVN", "PID", "PD1", "NK1", "PV1", "OBX", "DG1", "IN1", "ZP1", "Z01"]
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def delimiter_sets(draw: st.DrawFn) -> Delimiters:
    chars = draw(st.lists(st.sampled_from(PUNCTUATION), min_size=6, max_size=6, unique=True))
    truncation = chars[5] if draw(st.booleans()) else ""
    return Delimiters(chars[0], chars[1], chars[2], chars[3], chars[4], truncation)


# A segment body is drawn as one string over plain characters plus markers, then the
# markers become this message's delimiters and escape sequences. One draw per segment keeps
# generation cheap enough for hundreds of examples in a few seconds, and any structure
# (empty parts, trailing delimiters, escapes next to delimiters) can come out of it.
_PLAIN = string.ascii_letters + string.digits + " éßø漢Ω"
_STRUCTURE = {"\x01": "field", "\x02": "component", "\x03": "repetition", "\x04": "subcomponent"}
_ESCAPES = {
    "\x10": "F",
    "\x11": "S",
    "\x12": "T",
    "\x13": "R",
    "\x14": "E",
    "\x15": "X41",
    "\x16": "X7e7A",
    "\x17": "X202122",
    "\x18": "X5c",
}
_BODIES = st.text(alphabet=_PLAIN + "".join(_STRUCTURE) + "".join(_ESCAPES), max_size=60)


def _render(body: str, delimiters: Delimiters) -> str:
    table = {ord(marker): getattr(delimiters, name) for marker, name in _STRUCTURE.items()}
    escape = delimiters.escape
    table.update({ord(marker): f"{escape}{code}{escape}" for marker, code in _ESCAPES.items()})
    return body.translate(table)


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, Delimiters]:
    d = draw(delimiter_sets())
    # MSH-3..MSH-8 come from one body cut to six fields; MSH-9..MSH-12 are what the strict
    # header check needs.
    header = (_render(draw(_BODIES), d).split(d.field) + [""] * 6)[:6]
    control_id = draw(st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1))
    msh = d.field.join(
        ["MSH", d.encoding_characters, *header, f"ADT{d.component}A01", control_id, "P", "2.5.1"]
    )
    lines = [msh]
    for segment_id in draw(st.lists(st.sampled_from(SEGMENT_IDS), max_size=5)):
        lines.append(segment_id + d.field + _render(draw(_BODIES), d))
    return "\r".join(lines) + "\r", d


@SETTINGS
@given(messages())
def test_every_raw_field_repetition_component_and_subcomponent_matches_python_hl7(
    case: tuple[str, Delimiters],
) -> None:
    text, delimiters = case
    ours = tokenize(text)
    reference = hl7.parse(text)
    assert ours.delimiters == delimiters
    assert len(ours.segments) == len(reference)
    for segment, expected in zip(ours.segments, reference, strict=True):
        assert segment.name == str(expected[0])
        assert segment.field_count == len(expected) - 1
        for position in range(1, len(expected)):
            assert segment.field(position) == str(expected[position])
            assert our_tree(segment, position) == reference_tree(expected[position])


@SETTINGS
@given(messages())
def test_every_unescaped_value_matches_python_hl7_extract_field(
    case: tuple[str, Delimiters],
) -> None:
    text, _ = case
    ours = parse_message(text)
    reference = hl7.parse(text)
    occurrences: dict[str, int] = {}
    for segment in ours.segments():
        occurrence = occurrences[segment.name] = occurrences.get(segment.name, 0) + 1
        for position in range(1, segment.field_count + 1):
            tree = our_tree(segment, position)
            for r, components in enumerate(tree, start=1):
                for c, subcomponents in enumerate(components, start=1):
                    for s in range(1, len(subcomponents) + 1):
                        expected = reference.extract_field(
                            segment.name, occurrence, position, r, c, s
                        )
                        assert segment.value(position, r, c, s) == expected


@SETTINGS
@given(messages())
def test_header_properties_match_python_hl7(case: tuple[str, Delimiters]) -> None:
    text, _ = case
    ours = parse_message(text)
    reference = hl7.parse(text)
    assert ours.message_type == reference["MSH.F9.R1.C1"] == "ADT"
    assert ours.trigger_event == reference["MSH.F9.R1.C2"] == "A01"
    assert ours.control_id == reference["MSH.F10"]
    assert ours.version == reference["MSH.F12"] == "2.5.1"
    for position in range(3, 9):
        assert ours.get(f"MSH-{position}") == reference[f"MSH.F{position}"]
