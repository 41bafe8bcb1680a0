"""Escape sequences resolve to the message's own delimiters; the differences from
python-hl7 are deliberate, and each one is pinned here next to python-hl7's answer."""

from __future__ import annotations

import hl7
import pytest

from healthbridge.mappings.hl7v2 import DEFAULT_DELIMITERS, Delimiters, escape, unescape

CUSTOM = Delimiters(field="#", component="$", repetition="*", escape="!", subcomponent="%")


def _python_hl7(value: str, delimiters: Delimiters = DEFAULT_DELIMITERS) -> str:
    """What python-hl7 makes of ``value`` in a message with these delimiters."""
    separators = delimiters.field + delimiters.encoding_characters
    message = hl7.parse(f"MSH{separators}{delimiters.field}A\rZZZ{delimiters.field}{value}")
    return str(message.unescape(value))


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        ("a\\F\\b", "a|b"),
        ("a\\S\\b", "a^b"),
        ("a\\T\\b", "a&b"),
        ("a\\R\\b", "a~b"),
        ("a\\E\\b", "a\\b"),
        ("\\X41\\\\X4243\\", "ABC"),
        ("\\x6a6b\\", "\\x6a6b\\"),
        ("plain text", "plain text"),
    ],
)
def test_delimiter_and_ascii_hex_escapes_resolve_like_python_hl7(escaped: str, plain: str) -> None:
    assert unescape(escaped, DEFAULT_DELIMITERS) == plain
    if escaped[:2] != "\\x":
        assert _python_hl7(escaped) == plain


def test_escapes_resolve_to_the_message_s_own_delimiters() -> None:
    escaped = "!F!!S!!T!!R!!E!"
    assert unescape(escaped, CUSTOM) == "#$%*!"
    assert _python_hl7(escaped, CUSTOM) == "#$%*!"


def test_truncation_escape_resolves_only_when_the_message_declares_one() -> None:
    with_truncation = Delimiters(truncation="#")
    assert unescape("a\\P\\b", with_truncation) == "a#b"
    assert unescape("a\\P\\b", DEFAULT_DELIMITERS) == "a\\P\\b"


def test_hex_escapes_are_read_as_utf8_where_python_hl7_reads_latin1() -> None:
    assert unescape("\\XC3A9\\", DEFAULT_DELIMITERS) == "é"
    assert _python_hl7("\\XC3A9\\") == "Ã©"
    # Not valid UTF-8: both read the bytes as Latin-1.
    assert unescape("\\XE9\\", DEFAULT_DELIMITERS) == "é"
    assert _python_hl7("\\XE9\\") == "é"


def test_line_breaks_become_newlines_where_python_hl7_writes_carriage_returns() -> None:
    assert unescape("a\\.br\\b\\.sp\\c\\.sp2\\d\\.ce\\e", DEFAULT_DELIMITERS) == "a\nb\nc\n\nd\ne"
    assert _python_hl7("a\\.br\\b") == "a\rb"


def test_skips_become_spaces_and_fill_or_indent_commands_vanish() -> None:
    assert unescape("a\\.sk3\\b\\.sk\\c", DEFAULT_DELIMITERS) == "a   b c"
    assert unescape("\\.fi\\a\\.nf\\b\\.in+4\\c\\.ti-2\\d\\.in\\", DEFAULT_DELIMITERS) == "abcd"


def test_highlighting_is_dropped_where_python_hl7_writes_underscores() -> None:
    assert unescape("\\H\\bold\\N\\", DEFAULT_DELIMITERS) == "bold"
    assert _python_hl7("\\H\\bold\\N\\") == "_bold_"


@pytest.mark.parametrize(
    "kept",
    ["\\C2842\\", "\\M2442\\", "\\Zcustom\\", "\\X4\\", "\\XZZ\\", "\\.sp-1\\", "\\Q\\"],
)
def test_unknown_or_malformed_sequences_are_kept_verbatim_so_no_data_is_lost(kept: str) -> None:
    assert unescape(f"a{kept}b", DEFAULT_DELIMITERS) == f"a{kept}b"


def test_an_unterminated_escape_keeps_the_rest_of_the_value() -> None:
    assert unescape("50\\% off\\F\\", DEFAULT_DELIMITERS) == "50\\% off\\F\\"
    assert unescape("a\\F\\b\\c", DEFAULT_DELIMITERS) == "a|b\\c"


@pytest.mark.parametrize("delimiters", [DEFAULT_DELIMITERS, CUSTOM, Delimiters(truncation="#")])
def test_escape_then_unescape_gives_back_any_text(delimiters: Delimiters) -> None:
    text = "a|b^c~d\\e&f#g$h*i!j%k\rl\nm é"
    escaped = escape(text, delimiters)
    for char in (delimiters.field, delimiters.component, delimiters.repetition, "\r"):
        assert char not in escaped
    assert delimiters.subcomponent not in escaped
    assert unescape(escaped, delimiters) == text
