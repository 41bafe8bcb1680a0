"""Reading an object schema's ``properties``, ``required`` and ``additionalProperties``.

Contracts are generated, but the classifier also reads schemas a person passes on the
command line, so each keyword is read defensively: a malformed value is reported once
(as ``unclassified_change``) and then read as empty, and the walk goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.governance.reasons import ReasonLog
from healthbridge.governance.schema_walk import FALSE_SCHEMA, as_dict, child, same


def read_properties(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both ``properties`` objects; a malformed one is reported and read as empty."""
    was, now = old.get("properties", {}), new.get("properties", {})
    old_map, new_map = as_dict(was), as_dict(now)
    if (old_map is None or new_map is None) and not same(was, now):
        log.add(
            "unclassified_change", child(path, "properties"), None, None, "malformed properties"
        )
    return old_map or {}, new_map or {}


def read_required(
    old: Mapping[str, Any], new: Mapping[str, Any], path: str, log: ReasonLog
) -> tuple[set[str], set[str]]:
    """Both ``required`` lists as sets; a malformed one is reported and read as empty."""
    was, now = old.get("required", []), new.get("required", [])
    old_set, new_set = _names(was), _names(now)
    if (old_set is None or new_set is None) and not same(was, now):
        log.add("unclassified_change", child(path, "required"), None, None, "malformed required")
    return old_set or set(), new_set or set()


def _names(value: Any) -> set[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return set(value)
    return None


def is_closed(additional: Any) -> bool:
    """Whether an ``additionalProperties`` value refuses every unknown property."""
    return additional is False or same(additional, FALSE_SCHEMA)
