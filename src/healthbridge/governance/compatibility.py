"""The contract change classifier: is a new version breaking, additive or compatible?

``classify(old, new)`` walks both JSON Schemas side by side along the logical shape of
the data (properties, array items, alternatives), following ``$ref`` into ``$defs`` and
reading ``anyOf: [X, {"type": "null"}]`` as "nullable X", and records every difference
as a :class:`Reason`. The verdict is the worst effect among them: any breaking reason
makes the change breaking; otherwise anything added makes it additive; otherwise it is
compatible; with no difference at all it is identical. The rule for who breaks on what
(readers, writers, or both) is stated in :mod:`healthbridge.governance.reasons` and in
``contracts/README.md``.

The classifier is total: any two JSON values give a report, never an exception. What it
cannot judge (an unknown keyword, a malformed node) is reported as
``unclassified_change``, which counts as breaking until a person says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.governance.alternatives import (
    bare_alternatives,
    pair_alternatives,
    union_path,
)
from healthbridge.governance.annotations import compare_annotations
from healthbridge.governance.constraints import (
    CONSTRAINT_KEYWORDS,
    compare_constraints,
    compare_format,
    compare_values,
    fragment,
    shown,
)
from healthbridge.governance.object_shape import is_closed, read_properties, read_required
from healthbridge.governance.reasons import (
    CompatibilityReport,
    Direction,
    ReasonKind,
    ReasonLog,
    verdict_of,
)
from healthbridge.governance.schema_walk import (
    ANNOTATION_KEYWORDS,
    DATA_CLASS_KEYWORD,
    Alternative,
    SchemaDocument,
    Shape,
    child,
    covers,
    declared_types,
    same,
    shape_of,
)
from healthbridge.governance.unjudged import compare_unjudged

ROOT_IDENTITY_KEYWORDS: frozenset[str] = frozenset({"$id", "version"})
"""Keywords that name a contract version rather than describe its data: not compared."""

MAX_DEPTH = 64
"""Past this nesting the rest of a node is compared as a whole (only malformed input gets here)."""

_ASSERTION_KEYWORDS: frozenset[str] = CONSTRAINT_KEYWORDS | {
    "type",
    "enum",
    "const",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "prefixItems",
}
_ABSENT = object()


def classify(
    old: Mapping[str, Any], new: Mapping[str, Any], *, direction: Direction = "both"
) -> CompatibilityReport:
    """Judge the change from ``old`` to ``new``, with every reason; never raises.

    ``direction`` names who uses the contract: ``"read"`` for parties that consume data
    written to it, ``"write"`` for parties that produce it (inbound API bodies),
    ``"both"`` (default) for the worse of the two. The rule: widening what may be sent
    breaks readers and is additive for writers; narrowing it breaks writers and is
    compatible for readers; readers must tolerate unknown properties and enum values, so
    adding those is additive for both; a removed field, a disjoint type, ``const`` or
    ``format``, and any data-class change break both.
    """
    old_root, new_root = _without_identity(old), _without_identity(new)
    if same(old_root, new_root):
        return CompatibilityReport("identical", direction, ())
    walk = _Walk(SchemaDocument(old), SchemaDocument(new), ReasonLog(direction))
    walk.compare(old_root, new_root, "", frozenset(), 0)
    reasons = tuple(walk.log.reasons)
    if not reasons:
        walk.log.add(
            "representation_changed",
            "",
            None,
            None,
            "the schema text changed but every field, type and constraint is equivalent",
        )
        reasons = tuple(walk.log.reasons)
    return CompatibilityReport(verdict_of(reasons), direction, reasons)


def _without_identity(document: Any) -> Any:
    if isinstance(document, Mapping):
        return {key: value for key, value in document.items() if key not in ROOT_IDENTITY_KEYWORDS}
    return document


class _Walk:
    """One side-by-side walk of two schema documents."""

    def __init__(self, old: SchemaDocument, new: SchemaDocument, log: ReasonLog) -> None:
        self.old = old
        self.new = new
        self.log = log

    def compare(
        self, old_raw: Any, new_raw: Any, path: str, active: frozenset[tuple[str, str]], depth: int
    ) -> None:
        """Compare two schema nodes as written (references not yet followed)."""
        if depth > MAX_DEPTH:
            if not same(old_raw, new_raw):
                self.log.add("unclassified_change", path, None, None, "nested too deep to compare")
            return
        old_node, old_refs = self.old.expand(old_raw)
        new_node, new_refs = self.new.expand(new_raw)
        self._compare_expanded(
            shape_of(self.old, old_node, old_refs),
            shape_of(self.new, new_node, new_refs),
            path,
            active,
            depth,
        )

    def _compare_expanded(
        self, old: Shape, new: Shape, path: str, active: frozenset[tuple[str, str]], depth: int
    ) -> None:
        compare_annotations(old.outer, new.outer, path, self.log)
        if old.nullable != new.nullable:
            kind: ReasonKind = "nullable_added" if new.nullable else "nullable_removed"
            verb = "now" if new.nullable else "no longer"
            self.log.add(
                kind,
                path,
                {"nullable": old.nullable},
                {"nullable": new.nullable},
                f"null is {verb} allowed",
            )
        if old.union is None and new.union is None:
            if old.alternatives and new.alternatives:
                self._guarded(old.alternatives[0], new.alternatives[0], path, active, depth)
            elif old.alternatives or new.alternatives:
                self._null_only(old, new, path)
            return
        self._union(old, new, path, active, depth)

    def _null_only(self, old: Shape, new: Shape, path: str) -> None:
        """One side admits only null: the other side's alternative replaced or joined it."""
        kind: ReasonKind
        before: dict[str, Any] | None
        after: dict[str, Any] | None
        if not old.alternatives:
            kind = "type_widened" if new.nullable else "type_changed"
            before, after = {"type": "null"}, fragment(new.alternatives[0].node, "type")
        else:
            kind = "type_narrowed" if old.nullable else "type_changed"
            before, after = fragment(old.alternatives[0].node, "type"), {"type": "null"}
        self.log.add(kind, path, before, after, f"{shown(before)} -> {shown(after)}")

    def _guarded(
        self,
        old: Alternative,
        new: Alternative,
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        """Compare two alternatives unless this pair of references is already being compared."""
        pair = (old.refs[-1] if old.refs else "", new.refs[-1] if new.refs else "")
        if pair != ("", ""):
            if pair in active:
                return
            active = active | {pair}
        self._assertions(old.node, new.node, path, active, depth)

    def _assertions(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        if not self._types(old, new, path):
            return
        compare_values(old, new, path, self.log)
        compare_format(old, new, path, self.log)
        compare_constraints(old, new, path, self.log)
        self._object(old, new, path, active, depth)
        self._array(old, new, path, active, depth)
        compare_unjudged(old, new, path, _ASSERTION_KEYWORDS, self.log)

    def _types(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> bool:
        """Record how the admitted types changed; ``False`` when they no longer overlap."""
        was, now = declared_types(old), declared_types(new)
        before, after = fragment(old, "type"), fragment(new, "type")
        if was == now or (covers(was, now) and covers(now, was)):
            return True
        detail = f"{shown(before)} -> {shown(after)}"
        if covers(now, was):
            self.log.add("type_widened", path, before, after, detail)
            return True
        if covers(was, now):
            self.log.add("type_narrowed", path, before, after, detail)
            return True
        self.log.add("type_changed", path, before, after, detail)
        if was is None or now is None:  # unreachable: covers() holds when either is None
            return True
        # Overlapping types (string|integer -> string|boolean) still share constraints.
        return any(covers(now, frozenset({kind})) for kind in was) or any(
            covers(was, frozenset({kind})) for kind in now
        )

    def _object(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        old_props, new_props = read_properties(old, new, path, self.log)
        old_required, new_required = read_required(old, new, path, self.log)
        names = [*old_props, *(n for n in new_props if n not in old_props)]
        names += sorted((old_required | new_required) - set(names))
        for name in names:
            here = child(path, "properties", name)
            if name in old_props and name not in new_props:
                was = " (it was required)" if name in old_required else ""
                self.log.add(
                    "field_removed", here, old_props[name], None, f"field {name!r} removed{was}"
                )
                continue
            if name in new_props and name not in old_props:
                self._field_added(name, new_props[name], name in new_required, here)
                continue
            if name in old_props:
                self.compare(old_props[name], new_props[name], here, active, depth + 1)
            if (name in old_required) != (name in new_required):
                now_required = name in new_required
                kind: ReasonKind = "field_made_required" if now_required else "field_made_optional"
                verb = "now required" if now_required else "no longer required"
                before, after = {"required": not now_required}, {"required": now_required}
                self.log.add(kind, here, before, after, f"field {name!r} {verb}")
        self._additional_properties(old, new, path, active, depth)

    def _field_added(self, name: str, schema: Any, required: bool, path: str) -> None:
        data_class = self.new.expand(schema)[0].get(DATA_CLASS_KEYWORD)
        classed = "" if data_class is None else f" (data class {shown(data_class)})"
        kind: ReasonKind = "required_added" if required else "field_added_optional"
        which = "required" if required else "optional"
        self.log.add(kind, path, None, schema, f"{which} field {name!r} added{classed}")

    def _additional_properties(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        if "additionalProperties" not in old and "additionalProperties" not in new:
            return
        was, now = old.get("additionalProperties", True), new.get("additionalProperties", True)
        before, after = {"additionalProperties": was}, {"additionalProperties": now}
        if is_closed(was) and is_closed(now):
            return
        if is_closed(now):
            self.log.add(
                "additional_properties_closed", path, before, after, "unknown properties refused"
            )
        elif is_closed(was):
            self.log.add(
                "additional_properties_opened", path, before, after, "unknown properties allowed"
            )
        else:
            self.compare(was, now, child(path, "additionalProperties"), active, depth + 1)

    def _array(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        was, now = old.get("prefixItems", _ABSENT), new.get("prefixItems", _ABSENT)
        if isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
            for index, (before, after) in enumerate(zip(was, now, strict=True)):
                self.compare(before, after, child(path, "prefixItems", index), active, depth + 1)
        elif not same(fragment(old, "prefixItems"), fragment(new, "prefixItems")):
            before, after = fragment(old, "prefixItems"), fragment(new, "prefixItems")
            self.log.add("array_items_changed", path, before, after, "tuple positions changed")
        if "items" not in old and "items" not in new:
            return
        was, now = old.get("items", True), new.get("items", True)
        if isinstance(was, list) or isinstance(now, list):
            if not same(was, now):
                before, after = fragment(old, "items"), fragment(new, "items")
                self.log.add("array_items_changed", path, before, after, "tuple positions changed")
            return
        self.compare(was, now, child(path, "items"), active, depth + 1)

    def _union(
        self, old: Shape, new: Shape, path: str, active: frozenset[tuple[str, str]], depth: int
    ) -> None:
        """Pair the alternatives of two unions by ``$defs`` name or type, then compare pairs."""
        if old.union and new.union and old.union != new.union:
            before, after = {"union": old.union}, {"union": new.union}
            self.log.add("unclassified_change", path, before, after, f"{old.union} -> {new.union}")
        outer_keywords = ANNOTATION_KEYWORDS | {"anyOf", "oneOf"}
        if old.union and new.union:
            compare_unjudged(old.outer, new.outer, path, outer_keywords, self.log)
        old_alts = bare_alternatives(old)
        new_alts = bare_alternatives(new)
        for old_index, new_index in pair_alternatives(old_alts, new_alts):
            if old_index is not None and new_index is not None:
                here = union_path(path, old, old_index, new, new_index)
                pair = (old_alts[old_index], new_alts[new_index])
                self._compare_alternatives(*pair, here, active, depth + 1)
            elif new_index is not None:
                alt = new_alts[new_index]
                here = child(path, new.union, new_index) if new.union else path
                self.log.add("type_widened", here, None, alt.node, f"alternative {alt.key} added")
            elif old_index is not None:
                alt = old_alts[old_index]
                here = child(path, old.union, old_index) if old.union else path
                self.log.add(
                    "type_narrowed", here, alt.node, None, f"alternative {alt.key} removed"
                )

    def _compare_alternatives(
        self,
        old: Alternative,
        new: Alternative,
        path: str,
        active: frozenset[tuple[str, str]],
        depth: int,
    ) -> None:
        if depth > MAX_DEPTH:
            if not same(old.node, new.node):
                self.log.add("unclassified_change", path, None, None, "nested too deep to compare")
            return
        compare_annotations(old.node, new.node, path, self.log)
        self._guarded(old, new, path, active, depth)
