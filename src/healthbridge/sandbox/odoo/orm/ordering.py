"""``order`` strings: parse, validate and sort ids the way PostgreSQL would.

``"write_date asc, id desc"``: each term is a field, an optional direction and an optional
``nulls first|last``. Empty values sort last ascending and first descending (PostgreSQL's
default). A many2one sorts by the position of the related record in its own model's
default order, which is what Odoo's join on the comodel's ``_order`` produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.exceptions import InvalidValue
from healthbridge.sandbox.odoo.orm.fields import Many2one
from healthbridge.sandbox.odoo.orm.values import field_values

if TYPE_CHECKING:
    from collections.abc import Callable

    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.model import BaseModel

_ORDER = re.compile(
    r"^(\s*([a-z0-9:_]+|\"[a-z0-9:_]+\")(\.id)?(\s+(desc|asc))?(\s+nulls\s+(first|last))?\s*(,|$))+(?<!,)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OrderTerm:
    field: str
    descending: bool
    nulls_first: bool


_PARSED: dict[tuple[str, str], tuple[OrderTerm, ...]] = {}


def parse_order(model: type[BaseModel], order: str) -> tuple[OrderTerm, ...]:
    """The terms of ``order``; ``InvalidValue`` for a malformed spec or an unknown field."""
    key = (model._name, order)
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) > 4096:
            _PARSED.clear()
        parsed = _PARSED[key] = _parse_order(model, order)
    return parsed


def _parse_order(model: type[BaseModel], order: str) -> tuple[OrderTerm, ...]:
    if not isinstance(order, str) or not _ORDER.match(order):
        raise InvalidValue(
            f'Invalid "order" specified ({order}). A valid "order" specification is a '
            "comma-separated list of valid field names (optionally followed by asc/desc "
            "for the direction)"
        )
    terms: list[OrderTerm] = []
    for part in order.split(","):
        words = part.split()
        name = words[0].strip('"').removesuffix(".id")
        if name not in model._fields:
            raise InvalidValue(f"Invalid field {name!r} on model {model._name!r}")
        lowered = [word.lower() for word in words[1:]]
        descending = bool(lowered) and lowered[0] == "desc"
        nulls_first = descending
        if "nulls" in lowered:
            nulls_first = lowered[lowered.index("nulls") + 1] == "first"
        terms.append(OrderTerm(name, descending, nulls_first))
    return tuple(terms)


def rank(env: Environment, model: type[BaseModel]) -> dict[int, int]:
    """Position of every record of ``model`` in its default order (cached per version)."""
    key = ("rank", model._name)
    cached: dict[int, int] | None = env.store.cached(key)
    if cached is None:
        ids = sorted(env.store.tables[model._name].rows)
        ordered = sort_ids(env, model, ids, parse_order(model, model._order), depth=1)
        cached = env.store.remember(key, {record_id: pos for pos, record_id in enumerate(ordered)})
    return cached


def _key(
    env: Environment, model: type[BaseModel], term: OrderTerm, ids: list[int], depth: int
) -> Callable[[int], Any]:
    field = model._fields[term.field]
    values = field_values(env, model, field, ids) if field.name != "id" else {i: i for i in ids}
    if isinstance(field, Many2one) and depth < 3:
        comodel = env.registry[field.comodel]
        positions = (
            rank(env, comodel)
            if depth == 0
            else {i: i for i in env.store.tables[comodel._name].rows}
        )
        values = {i: positions.get(v) if v is not None else None for i, v in values.items()}
    if field.type in ("one2many", "many2many"):
        values = dict.fromkeys(ids)
    # (is-null, value): with "nulls first" on an ascending sort the flag is inverted.
    flip = term.nulls_first != term.descending

    def key(record_id: int) -> Any:
        value = values[record_id]
        if value is None:
            return (not flip, 0)
        return (flip, value)

    return key


def sort_ids(
    env: Environment,
    model: type[BaseModel],
    ids: list[int],
    terms: tuple[OrderTerm, ...],
    depth: int = 0,
) -> list[int]:
    """``ids`` sorted by ``terms`` (stable; ties keep ascending id order)."""
    result = sorted(ids)
    for term in reversed(terms):
        result.sort(key=_key(env, model, term, result, depth), reverse=term.descending)
    return result
