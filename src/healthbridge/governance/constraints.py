"""Comparing the keywords that limit a value: bounds, patterns, formats, enums and consts.

Each comparison asks one question: does the new keyword admit fewer values (tightened),
more (loosened), or a different set altogether (changed)? ``minimum`` and
``exclusiveMinimum`` are judged together as one lower bound, so trading ``gt=0`` for
``ge=0`` reads as one loosening rather than a removal and an addition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.governance.reasons import ReasonLog
from healthbridge.governance.schema_walk import allowed_values, as_number, canonical, same

BOUNDS: tuple[tuple[str, str | None, bool], ...] = (
    ("minimum", "exclusiveMinimum", True),
    ("maximum", "exclusiveMaximum", False),
    ("minLength", None, True),
    ("maxLength", None, False),
    ("minItems", None, True),
    ("maxItems", None, False),
    ("minProperties", None, True),
    ("maxProperties", None, False),
    ("minContains", None, True),
    ("maxContains", None, False),
)
"""(inclusive keyword, exclusive keyword, whether it is a lower bound)."""

CONSTRAINT_KEYWORDS: frozenset[str] = frozenset(
    {kw for inclusive, exclusive, _ in BOUNDS for kw in (inclusive, exclusive) if kw}
    | {"multipleOf", "pattern", "uniqueItems"}
)

_INVALID = "invalid"
_SHOWN_CHARS = 60


def fragment(node: Mapping[str, Any], *keywords: str) -> dict[str, Any] | None:
    """The ``keywords`` present in ``node``, as a schema fragment, or ``None`` if none are."""
    present = {keyword: node[keyword] for keyword in keywords if keyword in node}
    return present or None


def shown(value: Any) -> str:
    """A short one-line text form of a value or fragment, for reason details.

    Strings appear bare and a fragment as ``keyword=value`` pairs: ``maxLength=10``.
    """
    if value is None:
        text = "none"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, Mapping) and value and all(isinstance(key, str) for key in value):
        text = ", ".join(f"{key}={shown(item)}" for key, item in value.items())
    else:
        text = canonical(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def compare_constraints(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> None:
    """Record how each value-limiting keyword changed between two nodes."""
    for bound in BOUNDS:
        _compare_bound(old, new, bound, path, log)
    _compare_multiple_of(old, new, path, log)
    for keyword in ("pattern", "uniqueItems"):
        _compare_presence(old, new, keyword, path, log)


def _strictness(node: Mapping[str, Any], keywords: tuple[str, ...], lower: bool) -> Any:
    """How strict a bound is, as a sortable key (bigger is stricter); ``None`` when absent."""
    keys: list[tuple[float, bool]] = []
    for index, keyword in enumerate(keywords):
        if keyword not in node:
            continue
        number = as_number(node[keyword])
        if number is None:
            return _INVALID
        # At the same value an exclusive bound (index 1) admits one value fewer.
        keys.append((number if lower else -number, index == 1))
    return max(keys) if keys else None


def _compare_bound(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    bound: tuple[str, str | None, bool],
    path: str,
    log: ReasonLog,
) -> None:
    inclusive, exclusive, lower = bound
    keywords = (inclusive, exclusive) if exclusive else (inclusive,)
    before, after = fragment(old, *keywords), fragment(new, *keywords)
    if same(before, after):
        return
    old_key, new_key = _strictness(old, keywords, lower), _strictness(new, keywords, lower)
    detail = f"{shown(before)} -> {shown(after)}"
    if _INVALID in (old_key, new_key):
        log.add("constraint_changed", path, before, after, detail)
    elif old_key is None or (new_key is not None and new_key > old_key):
        log.add("constraint_tightened", path, before, after, detail)
    elif new_key is None or new_key < old_key:
        log.add("constraint_loosened", path, before, after, detail)


def _compare_multiple_of(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> None:
    before, after = fragment(old, "multipleOf"), fragment(new, "multipleOf")
    if same(before, after):
        return
    detail = f"{shown(before)} -> {shown(after)}"
    if before is None:
        log.add("constraint_tightened", path, before, after, detail)
        return
    if after is None:
        log.add("constraint_loosened", path, before, after, detail)
        return
    was, now = as_number(before["multipleOf"]), as_number(after["multipleOf"])
    if was is None or now is None or was <= 0 or now <= 0:
        log.add("constraint_changed", path, before, after, detail)
    elif (now / was).is_integer():
        log.add("constraint_tightened", path, before, after, detail)
    elif (was / now).is_integer():
        log.add("constraint_loosened", path, before, after, detail)
    else:
        log.add("constraint_changed", path, before, after, detail)


def _compare_presence(
    old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, path: str, log: ReasonLog
) -> None:
    """A keyword whose values cannot be ordered: adding it tightens, dropping it loosens."""
    before, after = fragment(old, keyword), fragment(new, keyword)
    if keyword == "uniqueItems":
        # uniqueItems: false says nothing, exactly as if it were absent.
        before = None if before is not None and before[keyword] is False else before
        after = None if after is not None and after[keyword] is False else after
    if same(before, after):
        return
    detail = f"{shown(before)} -> {shown(after)}"
    if before is None:
        log.add("constraint_tightened", path, before, after, detail)
    elif after is None:
        log.add("constraint_loosened", path, before, after, detail)
    else:
        log.add("constraint_changed", path, before, after, detail)


def compare_format(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> None:
    """Record a ``format`` added (narrows), removed (widens) or replaced (neither)."""
    before, after = fragment(old, "format"), fragment(new, "format")
    if same(before, after):
        return
    detail = f"{shown(before)} -> {shown(after)}"
    if before is None:
        log.add("format_added", path, before, after, detail)
    elif after is None:
        log.add("format_removed", path, before, after, detail)
    else:
        log.add("format_changed", path, before, after, detail)


def compare_values(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> None:
    """Record ``enum``/``const`` values removed or added; a ``const`` is a one-value enum."""
    was, now = allowed_values(old), allowed_values(new)
    before, after = fragment(old, "enum", "const"), fragment(new, "enum", "const")
    if was is None and now is None:
        return
    if was is None:
        log.add("constraint_tightened", path, None, after, f"values limited to {shown(after)}")
        return
    if now is None:
        log.add(
            "constraint_loosened",
            path,
            before,
            None,
            f"values no longer limited to {shown(before)}",
        )
        return
    old_keys = {canonical(value) for value in was[1]}
    new_keys = {canonical(value) for value in now[1]}
    removed = [value for value in was[1] if canonical(value) not in new_keys]
    added = [value for value in now[1] if canonical(value) not in old_keys]
    if len(old_keys) == 1 and len(new_keys) == 1 and removed:
        log.add("const_changed", path, before, after, f"{shown(before)} -> {shown(after)}")
        return
    if removed:
        log.add("enum_value_removed", path, before, after, f"values removed: {shown(removed)}")
    if added:
        log.add("enum_value_added", path, before, after, f"values added: {shown(added)}")
