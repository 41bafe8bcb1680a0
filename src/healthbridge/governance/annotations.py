"""Comparing what documents a value rather than limiting it: text, defaults, data classes.

Descriptions, titles and examples change nothing for anyone (compatible). A default is
different: a writer that leaves the field out now means something else. A data class is
different again: it decides who may see the field, so any change to it is breaking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.governance.constraints import fragment, shown
from healthbridge.governance.reasons import ReasonLog
from healthbridge.governance.schema_walk import ANNOTATION_KEYWORDS, DATA_CLASS_KEYWORD, same


def compare_annotations(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> None:
    """Record changed annotations (and ``x-`` extensions), the default and the data class."""
    extensions = {k for k in (*old, *new) if k.startswith("x-") and k != DATA_CLASS_KEYWORD}
    for keyword in sorted(ANNOTATION_KEYWORDS | extensions):
        before, after = fragment(old, keyword), fragment(new, keyword)
        if not same(before, after):
            detail = f"{keyword}: {shown(old.get(keyword))} -> {shown(new.get(keyword))}"
            log.add("annotation_changed", path, before, after, detail)
    before, after = fragment(old, "default"), fragment(new, "default")
    if not same(before, after):
        log.add("default_changed", path, before, after, f"{shown(before)} -> {shown(after)}")
    compare_data_class(old.get(DATA_CLASS_KEYWORD), new.get(DATA_CLASS_KEYWORD), path, log)


def compare_data_class(was: Any, now: Any, path: str, log: ReasonLog) -> None:
    """Record a data class added, dropped or changed, saying whose entitlement to review."""
    if same(was, now):
        return
    if was is None:
        detail = f"now classified {shown(now)}; consumers see it only if entitled to that class"
    elif now is None:
        detail = f"lost its data class {shown(was)}: projection and policy can no longer place it"
    else:
        detail = (
            f"data class {shown(was)} -> {shown(now)}: consumers entitled to {shown(was)} "
            f"data may not be entitled to {shown(now)}; review every consumer's entitlement"
        )
    before = None if was is None else {DATA_CLASS_KEYWORD: was}
    after = None if now is None else {DATA_CLASS_KEYWORD: now}
    log.add("data_class_changed", path, before, after, detail)
