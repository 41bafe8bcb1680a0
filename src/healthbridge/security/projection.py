"""Minimum-necessary projection: drop the fields a caller's scopes do not let it see.

A response is a JSON document and a map from dotted field paths to data classes
(``public``, ``operational``, ``financial``, ``pii``, ``phi``), which the caller derives
from the classified model it answers with. Projection is pure: it returns the kept
document and the dotted paths it withheld, so the response can say what is missing
instead of pretending the fields are empty. Security sits below the canonical layer, so
classes are plain strings here.

The policy: ``phi`` needs the ``phi.read`` scope; every other class is visible to any
caller that may call the route at all (the route's own scope already says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PHI_SCOPE = "phi.read"
"""The scope that lets a caller see fields classed ``phi``."""

ALL_CLASSES = frozenset({"public", "operational", "financial", "pii", "phi"})


@dataclass(frozen=True, slots=True)
class Projected:
    """The document as the caller may see it, and the dotted paths that were withheld."""

    document: dict[str, Any]
    withheld: tuple[str, ...]


def visible_classes(scopes: Iterable[str]) -> frozenset[str]:
    """The data classes a caller holding ``scopes`` may see."""
    granted = frozenset(scopes)
    return ALL_CLASSES if PHI_SCOPE in granted else ALL_CLASSES - {"phi"}


def project(
    document: Mapping[str, Any], classes: Mapping[str, str], visible: frozenset[str]
) -> Projected:
    """``document`` without the fields whose class (in ``classes``) is not in ``visible``.

    ``classes`` maps dotted paths (``account.name``; list items share their list's path)
    to a class; a path missing from it is kept, so the caller must classify every field
    it answers with (the response models do, and a test checks it). A withheld value is
    removed from the document; a withheld path is reported once even when it occurs in
    many list items, and only when some item actually held a value.
    """
    withheld: dict[str, None] = {}
    kept = _project(document, "", classes, visible, withheld)
    return Projected(kept, tuple(withheld))


def _project(
    node: Mapping[str, Any],
    prefix: str,
    classes: Mapping[str, str],
    visible: frozenset[str],
    withheld: dict[str, None],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        data_class = classes.get(path)
        if data_class is not None and data_class not in visible:
            if value not in (None, [], (), {}):
                withheld[path] = None
            continue
        out[key] = _value(value, path, classes, visible, withheld)
    return out


def _value(
    value: Any,
    path: str,
    classes: Mapping[str, str],
    visible: frozenset[str],
    withheld: dict[str, None],
) -> Any:
    if isinstance(value, Mapping):
        return _project(value, path, classes, visible, withheld)
    if isinstance(value, list | tuple):
        return [_value(item, path, classes, visible, withheld) for item in value]
    return value
