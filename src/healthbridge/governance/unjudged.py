"""The keywords the classifier does not judge, reported so that a person does.

``not``, ``if``/``then``/``else``, ``patternProperties``, ``discriminator``, an
unresolvable ``$ref``: the classifier cannot tell whether a change to one of these
widens or narrows what is allowed, so it reports ``unclassified_change``, which counts
as breaking. Extension keywords (``x-...``) are documentation and are compared with the
annotations instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.governance.constraints import fragment
from healthbridge.governance.reasons import ReasonLog
from healthbridge.governance.schema_walk import (
    ANNOTATION_KEYWORDS,
    DATA_CLASS_KEYWORD,
    child,
    same,
)

NOT_COMPARED: frozenset[str] = frozenset({"$defs", "definitions", "default", DATA_CLASS_KEYWORD})
"""Reached another way: ``$defs`` through references, the rest with the annotations."""

_ABSENT = object()


def compare_unjudged(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    path: str,
    judged: frozenset[str],
    log: ReasonLog,
) -> None:
    """Report every keyword outside ``judged`` whose value was added, dropped or changed."""
    skip = judged | NOT_COMPARED | ANNOTATION_KEYWORDS
    for keyword in sorted({*old, *new} - skip):
        if keyword.startswith("x-"):
            continue
        was, now = old.get(keyword, _ABSENT), new.get(keyword, _ABSENT)
        if was is _ABSENT or now is _ABSENT or not same(was, now):
            before, after = fragment(old, keyword), fragment(new, keyword)
            detail = f"{keyword} changed; the classifier cannot judge it, review by hand"
            log.add("unclassified_change", child(path, keyword), before, after, detail)
