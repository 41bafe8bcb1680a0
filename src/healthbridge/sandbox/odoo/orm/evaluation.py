"""Evaluate a parsed domain over a set of ids, with PostgreSQL's NULL semantics.

The rules follow what Odoo's SQL does: an empty value never satisfies ``<``/``like``; the
negative operators (``!=``, ``not in``, ``not like``, ``not ilike``) also match empty
values; ``= False`` means "is empty"; a dotted path ``a.b`` means "``a`` has a related
record whose ``b`` matches" (for a many2one and an x2many alike); ``child_of`` and
``parent_of`` follow the model's parent field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.exceptions import InvalidDomain, InvalidField
from healthbridge.sandbox.odoo.orm.domain import (
    LIKE,
    NEGATIVE,
    POSITIVE_OF,
    And,
    Const,
    Leaf,
    Node,
    Not,
    Or,
    conjunction,
    mentions,
    parse_domain,
)
from healthbridge.sandbox.odoo.orm.fields import Boolean, Field, Many2one
from healthbridge.sandbox.odoo.orm.values import active_ids, field_values

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.model import BaseModel

_COMPARE = frozenset({"<", "<=", ">", ">="})


@lru_cache(maxsize=512)
def like_pattern(pattern: str, *, insensitive: bool) -> re.Pattern[str]:
    """A compiled regex for an SQL LIKE pattern (``%``, ``_``, backslash escapes)."""
    parts: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    if escaped:
        parts.append(re.escape("\\"))
    flags = re.DOTALL | (re.IGNORECASE if insensitive else 0)
    return re.compile("".join(parts), flags)


def like_matcher(operator: str, value: Any) -> re.Pattern[str]:
    """The regex for a positive like-family operator and its operand."""
    text = str(value)
    if operator in ("like", "ilike"):
        text = f"%{text}%"
    return like_pattern(text, insensitive=operator in ("ilike", "=ilike"))


def _compare(operator: str, left: Any, right: Any) -> bool:
    if operator == "<":
        return bool(left < right)
    if operator == "<=":
        return bool(left <= right)
    if operator == ">":
        return bool(left > right)
    return bool(left >= right)


class Evaluator:
    """Filters ids of a model by a domain tree, in one environment (user, context)."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def search_ids(self, model: type[BaseModel], node: Node, *, active_test: bool) -> set[int]:
        """All ids of ``model`` matching ``node``, archived rows dropped unless asked for."""
        if active_test and "active" in model._fields and not mentions(node, "active"):
            node = conjunction(Leaf("active", "=", True, ("active", "=", True)), node)
        return self.filter(model, node, set(self.env.store.tables[model._name].rows))

    def filter(self, model: type[BaseModel], node: Node, ids: set[int]) -> set[int]:
        if not ids:
            return ids
        if isinstance(node, Leaf):
            return self._leaf(model, node, ids)
        if isinstance(node, And):
            for child in node.children:
                ids = self.filter(model, child, ids)
            return ids
        if isinstance(node, Or):
            matched: set[int] = set()
            for child in node.children:
                matched |= self.filter(model, child, ids - matched)
            return matched
        if isinstance(node, Not):
            return ids - self.filter(model, node.child, ids)
        assert isinstance(node, Const)
        return ids if node.value else set()

    # ---- leaves -------------------------------------------------------------------------

    def _leaf(self, model: type[BaseModel], leaf: Leaf, ids: set[int]) -> set[int]:
        name, _dot, rest = leaf.path.partition(".")
        field = model._fields.get(name)
        if field is None:
            raise InvalidField(f"Invalid field {model._name}.{name} in condition {leaf.source!r}")
        operator = leaf.operator
        if rest:
            if not field.relational:
                raise InvalidField(
                    f"Invalid field {model._name}.{leaf.path} in condition {leaf.source!r}"
                )
            sub = Leaf(rest, operator, leaf.value, (rest, operator, leaf.source[2]))
            return self._any(model, field, sub, ids)
        if operator in ("any", "not any"):
            if not field.relational:
                raise InvalidDomain(
                    f"Operator {operator!r} needs a relational field: {leaf.source!r}"
                )
            matched = self._any(model, field, parse_domain(leaf.value), ids)
            return matched if operator == "any" else ids - matched
        if operator in ("child_of", "parent_of"):
            return self._hierarchy(model, field, leaf, ids)
        if operator == "=?":
            if leaf.value is None or leaf.value is False or leaf.value == "":
                return ids
            operator = "="
        elif operator == "<>":
            operator = "!="
        value = leaf.value
        if operator in ("=", "!=") and isinstance(value, (list, tuple)):
            operator = "in" if operator == "=" else "not in"
        if field.type in ("one2many", "many2many"):
            return self._x2many(model, field, operator, value, ids)
        if isinstance(field, Many2one) and self._names_operand(operator, value):
            return self._by_name(model, field, operator, value, ids)
        return self._scalar(model, field, operator, value, ids)

    @staticmethod
    def _names_operand(operator: str, value: Any) -> bool:
        if operator in LIKE or POSITIVE_OF.get(operator) in LIKE:
            return value is not None and value is not False
        if isinstance(value, str):
            return True
        return isinstance(value, (list, tuple)) and any(isinstance(item, str) for item in value)

    def _values(self, model: type[BaseModel], field: Field, ids: set[int]) -> dict[int, Any]:
        return field_values(self.env, model, field, ids)

    def _scalar(
        self, model: type[BaseModel], field: Field, operator: str, value: Any, ids: set[int]
    ) -> set[int]:
        values = self._values(model, field, ids)
        if operator in ("in", "not in"):
            items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            wanted = {field.to_search(item) for item in items}
            has_null = None in wanted
            if isinstance(field, Boolean):
                has_null = False
            if operator == "in":
                return {i for i, v in values.items() if v in wanted or (has_null and v is None)}
            return {
                i
                for i, v in values.items()
                if (v is None and not has_null) or (v is not None and v not in wanted)
            }
        if operator in LIKE or (operator in NEGATIVE and operator not in ("!=", "not in")):
            positive = POSITIVE_OF.get(operator, operator)
            if value is None or value is False:
                operator = "=" if positive == operator else "!="
            else:
                matcher = like_matcher(positive, value)
                hits = {
                    i
                    for i, v in values.items()
                    if v is not None and matcher.fullmatch(v if isinstance(v, str) else str(v))
                }
                return hits if positive == operator else ids - hits
        target = field.to_search(value)
        if operator == "=":
            return (
                {i for i, v in values.items() if v == target}
                if target is not None
                else {i for i, v in values.items() if v is None}
            )
        if operator == "!=":
            if target is None:
                return {i for i, v in values.items() if v is not None}
            return {i for i, v in values.items() if v is None or v != target}
        if operator in _COMPARE:
            if target is None:
                return set()
            return {i for i, v in values.items() if v is not None and _compare(operator, v, target)}
        raise InvalidDomain(f"Invalid operator {operator!r} for field {field}")

    def _by_name(
        self, model: type[BaseModel], field: Field, operator: str, value: Any, ids: set[int]
    ) -> set[int]:
        """A many2one compared with text: match the comodel's records by their name."""
        positive = POSITIVE_OF.get(operator, operator)
        matched = self._name_matches(self._comodel(field), positive, value)
        values = self._values(model, field, ids)
        if positive == operator:
            return {i for i, v in values.items() if v in matched}
        return {i for i, v in values.items() if v not in matched}

    def _name_matches(self, comodel: type[BaseModel], operator: str, value: Any) -> set[int]:
        every = set(self.env.store.tables[comodel._name].rows)
        names: list[Node] = []
        for fname in comodel._rec_names_search or ():
            names.append(Leaf(fname, operator, value, (fname, operator, value)))
        if not names:
            return set()
        node = names[0] if len(names) == 1 else Or(tuple(names))
        return self.filter(comodel, node, every)

    def _comodel(self, field: Field) -> type[BaseModel]:
        return self.env.registry[getattr(field, "comodel", "")]

    def _links(
        self, model: type[BaseModel], field: Field, ids: set[int]
    ) -> dict[int, tuple[int, ...]]:
        return self._values(model, field, ids)

    def _x2many(
        self, model: type[BaseModel], field: Field, operator: str, value: Any, ids: set[int]
    ) -> set[int]:
        links = self._links(model, field, ids)
        positive = POSITIVE_OF.get(operator, operator)
        negate = positive != operator
        if operator in ("=", "!=") and (value is None or value is False):
            empty = {i for i, linked in links.items() if not linked}
            return empty if operator == "=" else ids - empty
        if self._names_operand(operator, value):
            matched = self._name_matches(self._comodel(field), positive, value)
            hits = {i for i, linked in links.items() if any(c in matched for c in linked)}
            return ids - hits if negate else hits
        if positive in ("=", "in"):
            items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
            wanted = {item for item in items if item is not None and item is not False}
            has_null = any(item is None or item is False for item in items)
            hits = {
                i
                for i, linked in links.items()
                if any(c in wanted for c in linked) or (has_null and not linked)
            }
            return ids - hits if negate else hits
        if operator in _COMPARE:
            return {
                i
                for i, linked in links.items()
                if any(_compare(operator, c, value) for c in linked)
            }
        raise InvalidDomain(f"Invalid operator {operator!r} for field {field}")

    def _any(self, model: type[BaseModel], field: Field, node: Node, ids: set[int]) -> set[int]:
        comodel = self._comodel(field)
        # A many2one names one specific record, archived or not; x2many hides archived ones.
        active_test = self.env.active_test and not isinstance(field, Many2one)
        matched = self.search_ids(comodel, node, active_test=active_test)
        values = self._values(model, field, ids)
        if isinstance(field, Many2one):
            return {i for i, v in values.items() if v in matched}
        return {i for i, linked in values.items() if any(c in matched for c in linked)}

    def _hierarchy(
        self, model: type[BaseModel], field: Field, leaf: Leaf, ids: set[int]
    ) -> set[int]:
        value = leaf.value
        items = value if isinstance(value, (list, tuple)) else [value]
        same_model = field.name == "id" or (
            isinstance(field, Many2one) and field.comodel == model._name
        )
        target_model = model if same_model else (self._comodel(field) if field.relational else None)
        if target_model is None:
            raise InvalidDomain(
                f"Operator {leaf.operator!r} needs a relational field: {leaf.source!r}"
            )
        if any(isinstance(item, str) for item in items):
            roots: set[int] = set()
            for item in items:
                roots |= (
                    self._name_matches(target_model, "ilike", item)
                    if isinstance(item, str)
                    else {item}
                )
        else:
            roots = {item for item in items if isinstance(item, int) and not isinstance(item, bool)}
        parent = field.name if same_model and field.name != "id" else target_model._parent_name
        if parent not in target_model._fields:
            raise InvalidDomain(
                f"Operator {leaf.operator!r} needs a hierarchy on {target_model._name}"
            )
        family = self._family(target_model, parent, roots, down=leaf.operator == "child_of")
        if same_model:
            return ids & family
        values = self._values(model, field, ids)
        if isinstance(field, Many2one):
            return {i for i, v in values.items() if v in family}
        return {i for i, linked in values.items() if any(c in family for c in linked)}

    def _family(
        self, model: type[BaseModel], parent: str, roots: set[int], *, down: bool
    ) -> set[int]:
        rows = self.env.store.tables[model._name].rows
        found = {root for root in roots if root in rows}
        if down:
            children: dict[int, list[int]] = {}
            for record_id, row in rows.items():
                if row.get(parent) is not None:
                    children.setdefault(row[parent], []).append(record_id)
            pending = list(found)
            while pending:
                for child in children.get(pending.pop(), ()):
                    if child not in found:
                        found.add(child)
                        pending.append(child)
            return found
        pending = list(found)
        while pending:
            above = rows[pending.pop()].get(parent)
            if above is not None and above in rows and above not in found:
                found.add(above)
                pending.append(above)
        return found


def visible(env: Environment, model: str, ids: set[int]) -> set[int]:
    """``ids`` without archived records, when the context hides them."""
    if not env.active_test:
        return ids
    active = active_ids(env, model)
    return ids if active is None else ids & active
