"""HL7 v2 escape sequences (chapter 2.7): turning ``\\F\\``-style text into plain values and back.

What ``unescape`` does, and where it deliberately differs from python-hl7's ``unescape``:

- ``\\F\\ \\S\\ \\T\\ \\R\\ \\E\\`` become the message's own field, component, subcomponent,
  repetition and escape characters, and ``\\P\\`` its truncation character (v2.7+): same
  as python-hl7.
- ``\\Xhh..\\`` becomes the bytes it spells, read as UTF-8 and, when they are not valid
  UTF-8, as Latin-1. python-hl7 maps every byte to the code point of the same number
  (Latin-1 always); both agree on ASCII.
- Line-break formatting commands (``\\.br\\``, ``\\.sp\\``, ``\\.ce\\``) become ``\\n``;
  python-hl7 gives ``\\r``, which is the segment terminator and would split the value if it
  were ever written back into a message. ``\\.sk n\\`` becomes n spaces; ``\\.fi\\``,
  ``\\.nf\\``, ``\\.in\\`` and ``\\.ti\\`` (fill and indent) become nothing.
- Highlighting (``\\H\\``, ``\\N\\``) becomes nothing; python-hl7 gives ``_``.
- Anything else (character-set switches ``\\C..\\`` and ``\\M..\\``, application-defined
  ``\\Z..\\``, an empty ``\\\\``, malformed hex) and an escape character with no closing
  partner are kept verbatim, so no data is silently lost; python-hl7 drops them.
"""

from __future__ import annotations

from functools import lru_cache

from healthbridge.mappings.hl7v2.delimiters import Delimiters

_LINE_BREAKS = frozenset({".br", ".ce"})
_DROPPED = frozenset({"H", "N", ".fi", ".nf"})
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def unescape(value: str, delimiters: Delimiters) -> str:
    """The plain text an escaped HL7 value stands for (see the module notes)."""
    escape = delimiters.escape
    if escape not in value:
        return value
    parts: list[str] = []
    position = 0
    while True:
        start = value.find(escape, position)
        end = value.find(escape, start + 1) if start >= 0 else -1
        if end < 0:
            parts.append(value[position:])
            return "".join(parts)
        parts.append(value[position:start])
        parts.append(_expand(value[start + 1 : end], value[start : end + 1], delimiters))
        position = end + 1


def escape(value: str, delimiters: Delimiters) -> str:
    """``value`` written so that it survives as one HL7 subcomponent with these delimiters."""
    return value.translate(_escape_table(delimiters))


@lru_cache(maxsize=64)
def _escape_table(delimiters: Delimiters) -> dict[int, str]:
    wrap = delimiters.escape
    table = {
        ord(delimiters.escape): f"{wrap}E{wrap}",
        ord(delimiters.field): f"{wrap}F{wrap}",
        ord(delimiters.component): f"{wrap}S{wrap}",
        ord(delimiters.subcomponent): f"{wrap}T{wrap}",
        ord(delimiters.repetition): f"{wrap}R{wrap}",
        ord("\r"): f"{wrap}X0D{wrap}",
        ord("\n"): f"{wrap}X0A{wrap}",
    }
    if delimiters.truncation:
        table[ord(delimiters.truncation)] = f"{wrap}P{wrap}"
    return table


def _expand(sequence: str, verbatim: str, delimiters: Delimiters) -> str:
    simple = _simple(sequence, delimiters)
    if simple is not None:
        return simple
    if sequence in _DROPPED:
        return ""
    if sequence in _LINE_BREAKS:
        return "\n"
    head, tail = sequence[:3], sequence[3:]
    if head == ".sp" and (not tail or tail.isdigit()):
        return "\n" * max(int(tail or "1"), 1)
    if head == ".sk" and (not tail or tail.isdigit()):
        return " " * int(tail or "1")
    if head in (".in", ".ti") and (not tail or _is_signed_int(tail)):
        return ""
    if sequence[:1] == "X":
        return _hex(sequence[1:], verbatim)
    return verbatim


def _simple(sequence: str, delimiters: Delimiters) -> str | None:
    if len(sequence) != 1:
        return None
    match sequence:
        case "F":
            return delimiters.field
        case "S":
            return delimiters.component
        case "T":
            return delimiters.subcomponent
        case "R":
            return delimiters.repetition
        case "E":
            return delimiters.escape
        case "P" if delimiters.truncation:
            return delimiters.truncation
    return None


def _hex(digits: str, verbatim: str) -> str:
    if not digits or len(digits) % 2 or not _HEX_DIGITS.issuperset(digits):
        return verbatim
    raw = bytes.fromhex(digits)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _is_signed_int(text: str) -> bool:
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits.isdigit()
