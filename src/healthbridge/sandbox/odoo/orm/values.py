"""Field values by id, whether stored in the row, computed, or derived from an inverse.

Search, ordering and reading all ask the same question ("what is field F of these
records?") and get stored-form answers: ``None`` for empty, an id for a many2one, a tuple
of ids for an x2many. Computed fields are computed on demand, in batch, as the superuser:
their value never depends on who asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.fields import Field, One2many

if TYPE_CHECKING:
    from collections.abc import Iterable

    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.model import BaseModel


def inverse_index(env: Environment, comodel: str, inverse: str) -> dict[int, list[int]]:
    """Parent id -> child ids (ascending) of ``comodel`` through its many2one ``inverse``."""
    store = env.store
    key = ("inverse", comodel, inverse)
    index: dict[int, list[int]] | None = store.cached(key)
    if index is None:
        index = {}
        for child_id, row in store.tables[comodel].rows.items():
            parent = row.get(inverse)
            if parent is not None:
                index.setdefault(parent, []).append(child_id)
        store.remember(key, index)
    return index


def field_values(
    env: Environment, model: type[BaseModel], field: Field, ids: Iterable[int]
) -> dict[int, Any]:
    """The stored-form value of ``field`` for each of ``ids`` (all must exist)."""
    if field.compute is not None:
        if field.depends_context:
            return getattr(model(env.sudo(), tuple(ids)), field.compute)()  # type: ignore[no-any-return]
        # Computed values depend on the rows only: cache them until the next change.
        key = ("computed", model._name, field.name)
        cache: dict[int, Any] | None = env.store.cached(key)
        if cache is None:
            cache = env.store.remember(key, {})
        wanted = ids if isinstance(ids, (list, tuple, set, frozenset)) else list(ids)
        missing = [i for i in wanted if i not in cache]
        if missing:
            cache.update(getattr(model(env.sudo(), tuple(missing)), field.compute)())
        return {i: cache[i] for i in wanted}
    if isinstance(field, One2many):
        index = inverse_index(env, field.comodel, field.inverse_name)
        return {record_id: tuple(index.get(record_id, ())) for record_id in ids}
    rows = env.store.tables[model._name].rows
    name = field.name
    return {record_id: rows[record_id][name] for record_id in ids}


def active_ids(env: Environment, model: str) -> set[int] | None:
    """The ids of the active records of ``model``, or None when it has no ``active`` field."""
    registry_model = env.registry[model]
    if "active" not in registry_model._fields:
        return None
    key = ("active", model)
    cached: set[int] | None = env.store.cached(key)
    if cached is None:
        rows = env.store.tables[model].rows
        cached = env.store.remember(key, {i for i, row in rows.items() if row["active"]})
    return cached
