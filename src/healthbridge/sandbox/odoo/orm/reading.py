"""Rows as ``read()`` returns them: ``id`` first, empty values ``False``, many2one as a pair.

Values stay Python objects (``datetime``, ``date``, tuples) here; the RPC rendering turns
them into strings and lists, while webhook bodies use ``str()`` on them, which keeps the
microseconds exactly as Odoo's do. One column is built at a time so that relations and
computed fields are fetched in one batch for all rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.evaluation import visible
from healthbridge.sandbox.odoo.orm.fields import Boolean, Float, Integer, Many2one
from healthbridge.sandbox.odoo.orm.ordering import rank
from healthbridge.sandbox.odoo.orm.values import field_values

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.fields import Field
    from healthbridge.sandbox.odoo.orm.model import BaseModel

_SCALARS = (Integer, Float, Boolean)


def display_names(env: Environment, model: str, ids: set[int]) -> dict[int, str]:
    """``display_name`` of the existing ones among ``ids`` (as the superuser)."""
    rows = env.store.tables[model].rows
    present = tuple(i for i in ids if i in rows)
    if not present:
        return {}
    names: dict[int, Any] = env.registry[model](env.sudo(), present)._compute_display_name()
    return {i: name or "" for i, name in names.items()}


def _column(
    env: Environment, model: type[BaseModel], field: Field, ids: list[int], pairs: bool
) -> list[Any]:
    if field.name == "id":
        return list(ids)
    if field.column and not field.relational:
        rows = env.store.tables[model._name].rows
        name = field.name
        if isinstance(field, _SCALARS):
            return [rows[i][name] for i in ids]
        return [False if (v := rows[i][name]) is None else v for i in ids]
    values = field_values(env, model, field, ids)
    if isinstance(field, Many2one):
        targets = {v for v in values.values() if v is not None}
        if pairs:
            names = display_names(env, field.comodel, targets)
            return [(v, names[v]) if v in names else False for v in (values[i] for i in ids)]
        existing = env.store.tables[field.comodel].rows
        return [v if v is not None and v in existing else False for v in (values[i] for i in ids)]
    if field.type in ("one2many", "many2many"):
        comodel = env.registry[getattr(field, "comodel", "")]
        linked: set[int] = set()
        for value in values.values():
            linked.update(value)
        shown = visible(env, comodel._name, linked & set(env.store.tables[comodel._name].rows))
        positions = rank(env, comodel)
        return [
            sorted((c for c in values[i] if c in shown), key=positions.__getitem__) for i in ids
        ]
    if isinstance(field, _SCALARS):
        return [values[i] for i in ids]
    return [False if (v := values[i]) is None else v for i in ids]


class RenderedRows(list[dict[str, Any]]):
    """Rows already in their wire form (datetimes as text, pairs as lists)."""


_RENDERED: dict[datetime, str] = {}


def render_datetime(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS``, memoised: the same stored stamps are read again and again."""
    text = _RENDERED.get(value)
    if text is None:
        if len(_RENDERED) > 200_000:
            _RENDERED.clear()
        text = _RENDERED[value] = value.isoformat(" ", "seconds")
    return text


def _render(field: Field, column: list[Any]) -> list[Any]:
    if field.type == "datetime":
        get = _RENDERED.get
        return [(get(v) or render_datetime(v)) if v else v for v in column]
    if field.type == "date":
        return [v.isoformat() if v else v for v in column]
    if field.type == "many2one":
        return [list(v) if type(v) is tuple else v for v in column]
    return column


def read_rows(
    env: Environment,
    model: type[BaseModel],
    ids: list[int],
    names: list[str],
    pairs: bool,
    *,
    render: bool = False,
) -> list[dict[str, Any]]:
    """One dict per id (ids must exist), keys ``id`` then ``names`` in the order given.

    With ``render`` the values are already JSON-ready (RPC); without, they are the Python
    objects ``read()`` returns inside Odoo, which webhook bodies need.
    """
    fields = model._fields
    columns = [
        (name, _column(env, model, fields[name], ids, pairs)) for name in names if name != "id"
    ]
    if render:
        columns = [(name, _render(fields[name], column)) for name, column in columns]
    result: list[dict[str, Any]] = RenderedRows() if render else []
    for position, record_id in enumerate(ids):
        row: dict[str, Any] = {"id": record_id}
        for name, column in columns:
            row[name] = column[position]
        result.append(row)
    return result
