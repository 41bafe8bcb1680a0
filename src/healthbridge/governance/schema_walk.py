"""Reading JSON Schema nodes the way the classifier compares them.

Pydantic writes nested models as ``$ref`` into ``$defs`` and ``Optional[X]`` as
``anyOf: [X, {"type": "null"}]``. Two schemas that say the same thing can therefore be
shaped differently, so before comparing, each node is *expanded*: local references are
followed (their siblings win, as 2020-12 allows), a one-element ``allOf`` is merged, and
a ``null`` alternative is split off as a nullable flag. Every accessor here accepts any
JSON value: the classifier must never raise on a malformed schema.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

ANNOTATION_KEYWORDS: frozenset[str] = frozenset(
    {"title", "description", "examples", "$comment", "deprecated", "readOnly", "writeOnly"}
)
"""Keywords that document a value without constraining it."""

DATA_CLASS_KEYWORD = "x-data-class"
FALSE_SCHEMA: dict[str, Any] = {"not": {}}
INVALID_KEYWORD = "$invalid"
"""Holds a node that is neither an object nor a boolean, so it still compares by value."""


def canonical(value: Any) -> str:
    """A text form of a JSON value in which ``true``, ``1`` and ``1.0`` stay distinct."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def same(left: Any, right: Any) -> bool:
    """Whether two JSON values are equal as JSON (Python's ``True == 1`` does not count)."""
    try:
        return _same(left, right)
    except RecursionError:
        return canonical(left) == canonical(right)


def _same(left: Any, right: Any) -> bool:
    if left is right:
        return True
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(_same, left, right))
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and math.isnan(left):  # JSON writes every NaN alike
        return math.isnan(right)
    return bool(left == right)


def child(path: str, *tokens: str | int) -> str:
    """``path`` extended by JSON Pointer tokens, escaped per RFC 6901."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return "/".join((path, *escaped))


def as_dict(value: Any) -> dict[str, Any] | None:
    """``value`` when it is a JSON object with string keys, else ``None``."""
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return dict(value)
    return None


def as_number(value: Any) -> float | None:
    """``value`` as a number when it is a finite JSON number (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_node(value: Any) -> dict[str, Any]:
    """A schema node as an object: ``true`` is ``{}``, ``false`` is ``{"not": {}}``."""
    if value is True:
        return {}
    if value is False:
        return dict(FALSE_SCHEMA)
    node = as_dict(value)
    return node if node is not None else {INVALID_KEYWORD: value}


class SchemaDocument:
    """One root schema, able to resolve the local ``$ref`` pointers written inside it."""

    def __init__(self, root: Any) -> None:
        self.root = root

    def resolve(self, ref: str) -> Any | None:
        """The node ``ref`` points at (``#`` or ``#/...``), or ``None`` when it cannot be found."""
        if ref == "#":
            return self.root
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for raw in ref[2:].split("/"):
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def expand(self, value: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The node with local references followed and a lone ``allOf`` merged in.

        Returns the merged node and the references followed, in order; a reference that
        cannot be resolved, or that loops back, stays in the node as an opaque ``$ref``.
        """
        node = as_node(value)
        followed: list[str] = []
        while True:
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in followed:
                target = self.resolve(ref)
                if target is None:
                    return node, tuple(followed)
                followed.append(ref)
                siblings = {key: item for key, item in node.items() if key != "$ref"}
                node = {**as_node(target), **siblings}
                continue
            all_of = node.get("allOf")
            if isinstance(all_of, list) and len(all_of) == 1 and "$ref" not in node:
                rest = {key: item for key, item in node.items() if key != "allOf"}
                node = {**as_node(all_of[0]), **rest}
                continue
            return node, tuple(followed)


def declared_types(node: Mapping[str, Any]) -> frozenset[str] | None:
    """The JSON types a node admits: ``None`` for any type, empty for the false schema.

    A malformed ``type`` value becomes a type of its own, so a change to it is still seen.
    """
    if same(node.get("not"), {}) and "not" in node:
        return frozenset()
    raw = node.get("type")
    if raw is None and "type" not in node:
        return None
    if isinstance(raw, str):
        return frozenset({raw})
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return frozenset(raw)
    return frozenset({"invalid:" + canonical(raw)})


def covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Whether every value of the ``narrow`` types is also of the ``wide`` types."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(kind in wide or (kind == "integer" and "number" in wide) for kind in narrow)


def allowed_values(node: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    """The keyword and the list of values a node is limited to (``const`` is a one-value enum)."""
    if "const" in node:
        return "const", [node["const"]]
    values = node.get("enum")
    if isinstance(values, list):
        return "enum", values
    if "enum" in node:
        return "enum", [values]
    return None


@dataclass(frozen=True)
class Alternative:
    """One non-null alternative of a node: how to pair it across versions, and its schema."""

    key: str
    node: dict[str, Any]
    refs: tuple[str, ...]
    """Every reference followed to reach ``node``: the classifier stops on a repeated pair."""


@dataclass(frozen=True)
class Shape:
    """A node seen as "null or one of these alternatives"."""

    outer: dict[str, Any]
    """The node without its union keyword; for a single alternative, merged with it."""
    nullable: bool
    alternatives: tuple[Alternative, ...]
    union: str | None
    """``anyOf`` or ``oneOf`` when there are several alternatives, else ``None``."""


def _is_null(node: Mapping[str, Any]) -> bool:
    assertions = {key for key in node if key not in ANNOTATION_KEYWORDS}
    return assertions == {"type"} and declared_types(node) == frozenset({"null"})


def shape_of(document: SchemaDocument, node: dict[str, Any], refs: tuple[str, ...]) -> Shape:
    """Split an expanded node into its nullability and its non-null alternatives."""
    keyword = _union_keyword(node)
    if keyword is None:
        types = declared_types(node)
        if types is not None and "null" in types and len(types) > 1:
            rest = sorted(types - {"null"})
            node = {**node, "type": rest[0] if len(rest) == 1 else rest}
            return Shape(node, True, (Alternative(branch_key(node, refs), node, refs),), None)
        if types == frozenset({"null"}):
            return Shape(node, True, (), None)
        return Shape(node, False, (Alternative(branch_key(node, refs), node, refs),), None)
    outer = {key: item for key, item in node.items() if key != keyword}
    nullable = False
    alternatives: list[Alternative] = []
    for raw in node[keyword]:
        expanded, followed = document.expand(raw)
        if _is_null(expanded):
            nullable = True
        else:
            key = branch_key(expanded, followed)
            alternatives.append(Alternative(key, expanded, refs + followed))
    if len(alternatives) == 1:
        only = alternatives[0]
        merged = {**only.node, **outer}
        return Shape(merged, nullable, (Alternative(only.key, merged, only.refs),), None)
    return Shape(outer, nullable, tuple(alternatives), keyword if alternatives else None)


def _union_keyword(node: Mapping[str, Any]) -> str | None:
    present = [key for key in ("anyOf", "oneOf") if isinstance(node.get(key), list) and node[key]]
    return present[0] if len(present) == 1 else None


def branch_key(node: Mapping[str, Any], refs: tuple[str, ...]) -> str:
    """What identifies an alternative across versions: its ``$defs`` name, else its type."""
    if refs:
        return "ref:" + refs[0].rsplit("/", 1)[-1]
    types = declared_types(node)
    key = "type:" + ("*" if types is None else ",".join(sorted(types)))
    values = allowed_values(node)
    return key if values is None else key + "=" + canonical(values[1])
