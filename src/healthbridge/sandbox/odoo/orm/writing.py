"""create, write and unlink: value conversion, x2many commands, constraints, cascades.

Everything goes through the transaction journal, so a failure anywhere in a call (a
constraint of the last record, a business rule in a hook) undoes all of it. Each create
and write is also noted as a :class:`Change` for the automation rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.exceptions import InvalidField, InvalidValue, ValidationError
from healthbridge.sandbox.odoo.orm.environment import Change
from healthbridge.sandbox.odoo.orm.fields import Field, Many2many, Many2one, One2many, ids_of

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.model import BaseModel

_MAGIC = frozenset({"id", "create_uid", "create_date", "write_uid", "write_date"})


def not_null_error(model: type[BaseModel], field: Field) -> ValidationError:
    """Odoo's text for a NOT NULL violation (a required field left empty)."""
    return ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        f"Model: {model._description} ({model._name})\n"
        f"Field: {field.label} ({field.name})\n"
    )


def foreign_key_error(model: type[BaseModel], field: Field) -> ValidationError:
    """Odoo's text for a foreign key violation (bad reference, or a restricted delete)."""
    table = model._name.replace(".", "_")
    return ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        f"Model: {model._description} ({model._name})\n"
        f"Constraint: {table}_{field.name}_fkey\n"
    )


def _convert(env: Environment, model: type[BaseModel], field: Field, value: Any) -> Any:
    try:
        stored = field.to_cache(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(
            str(exc) if "Wrong value" in str(exc) else f"Wrong value for {field}: {value!r}"
        ) from exc
    if (
        isinstance(field, Many2one)
        and stored is not None
        and stored not in env.store.tables[field.comodel].rows
    ):
        raise foreign_key_error(model, field)
    return stored


def _split(
    records: BaseModel, vals: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[Field, Any]], set[str]]:
    """(stored column values, x2many commands, names of inverse-computed fields written)."""
    model = type(records)
    env = records.env
    columns: dict[str, Any] = {}
    relations: list[tuple[Field, Any]] = []
    inverted: set[str] = set()
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None:
            raise InvalidField(f"Invalid field {name!r} in {model._name!r}")
        if name in _MAGIC:
            continue
        if field.compute is not None:
            if field.inverse is not None:
                inverted.add(name)
                checked = _convert(env, model, field, value)
                for sub_name, sub_value in getattr(records, field.inverse)(checked).items():
                    columns[sub_name] = _convert(env, model, model._fields[sub_name], sub_value)
            continue
        if isinstance(field, (One2many, Many2many)):
            relations.append((field, value))
            continue
        columns[name] = _convert(env, model, field, value)
    return columns, relations, inverted


def _defaults(records: BaseModel, vals: dict[str, Any]) -> dict[str, Any]:
    env = records.env
    merged = dict(vals)
    for name, field in records._fields.items():
        if name not in merged and field.default is not None:
            merged[name] = field.default(env) if callable(field.default) else field.default
    return merged


def create_records(records: BaseModel, vals_list: list[Any]) -> list[int]:
    """Insert one record per dict of ``vals_list`` and return the new ids."""
    model = type(records)
    env = records.env
    journal = env.transaction.journal
    empties = {name: field.empty() for name, field in model._fields.items() if field.column}
    required = [field for field in model._fields.values() if field.required and field.column]
    created: list[int] = []
    pending: list[tuple[int, list[tuple[Field, Any]]]] = []
    given: list[dict[str, Any]] = []
    for vals in vals_list:
        if not isinstance(vals, dict):
            raise InvalidValue(f"Invalid values for {model._name}.create: {vals!r}")
        prepared = records._prepare_create(_defaults(records, vals))
        columns, relations, _inverted = _split(records, prepared)
        row = {**empties, **columns}
        for field in required:
            if row[field.name] is None:
                raise not_null_error(model, field)
        row.update(create_uid=env.uid, create_date=env.now, write_uid=env.uid, write_date=env.now)
        record_id = journal.insert(model._name, row)
        created.append(record_id)
        pending.append((record_id, relations))
        given.append(vals)
    for record_id, relations in pending:
        for field, commands in relations:
            apply_commands(records.browse(record_id), field, commands)
    new = records.browse(created)
    new._check_constraints(set(model._fields))
    new._after_create(given)
    changes = env.transaction.changes
    for record_id, vals in zip(created, given, strict=True):
        names = frozenset(vals)
        changes.append(Change("create", model._name, record_id, names, names))
    return created


def write_records(records: BaseModel, vals: dict[str, Any], *, synced: bool = False) -> None:
    """Write ``vals`` on every record (all must exist) and bump their ``write_date``."""
    model = type(records)
    env = records.env
    journal = env.transaction.journal
    columns, relations, inverted = _split(records, vals)
    for name, value in columns.items():
        field = model._fields[name]
        if value is None and field.required:
            raise not_null_error(model, field)
    rows = records._rows
    stamp = {"write_uid": env.uid, "write_date": env.now}
    changed: dict[int, set[str]] = {}
    for record_id in records.ids:
        row = rows[record_id]
        diff = {name for name, value in columns.items() if row.get(name) != value}
        if diff and inverted:
            diff |= inverted
        changed[record_id] = diff
        journal.update(model._name, record_id, {**columns, **stamp})
    for field, commands in relations:
        for record_id in records.ids:
            before = records.browse(record_id)._values(field.name)[record_id]
            apply_commands(records.browse(record_id), field, commands)
            if records.browse(record_id)._values(field.name)[record_id] != before:
                changed[record_id].add(field.name)
    records._check_constraints(set(columns) | {field.name for field, _ in relations})
    names = frozenset(vals)
    for record_id in records.ids:
        env.transaction.changes.append(
            Change("write", model._name, record_id, names, frozenset(changed[record_id]), synced)
        )
    records._after_write(vals)


def _commands(value: Any) -> list[tuple[Any, ...]]:
    if value is None or value is False:
        return [(5, 0, 0)]
    if not isinstance(value, (list, tuple)):
        raise InvalidValue(f"Invalid x2many value {value!r}")
    if all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return [(6, 0, list(value))]
    commands: list[tuple[Any, ...]] = []
    for item in value:
        if not isinstance(item, (list, tuple)) or not item or item[0] not in range(7):
            raise InvalidValue(f"Invalid x2many command {item!r}")
        padded = (*tuple(item), 0, 0)[:3]
        commands.append(padded)
    return commands


def _linkable(
    env: Environment, model: type[BaseModel], field: Field, comodel: str, ids: list[int]
) -> list[int]:
    rows = env.store.tables[comodel].rows
    for record_id in ids:
        if record_id not in rows:
            raise foreign_key_error(model, field)
    return ids


def apply_commands(record: BaseModel, field: Field, value: Any) -> None:
    """Apply x2many commands (0 create ... 6 replace) to the one record ``record``."""
    if isinstance(field, One2many):
        _apply_one2many(record, field, _commands(value))
    elif isinstance(field, Many2many):
        _apply_many2many(record, field, _commands(value))


def _apply_many2many(record: BaseModel, field: Many2many, commands: list[tuple[Any, ...]]) -> None:
    env = record.env
    model = type(record)
    comodel = env[field.comodel].sudo()
    record_id = record.ids[0]
    current = list(record._row(record_id)[field.name])
    for code, ref, payload in commands:
        if code == 0:
            current.append(create_records(comodel, [payload or {}])[0])
        elif code == 1:
            _update(comodel.browse(ref), payload)
        elif code == 2:
            current = [c for c in current if c != ref]
            if ref in env.store.tables[field.comodel].rows:
                unlink_records(comodel.browse(ref))
        elif code == 3:
            current = [c for c in current if c != ref]
        elif code == 4:
            _linkable(env, model, field, field.comodel, ids_of([ref]))
            if ref not in current:
                current.append(ref)
        elif code == 5:
            current = []
        else:
            current = list(
                dict.fromkeys(_linkable(env, model, field, field.comodel, ids_of(payload or [])))
            )
    env.transaction.journal.update(model._name, record_id, {field.name: tuple(current)})


def _update(related: BaseModel, payload: Any) -> None:
    related._ensure_exist()
    if not isinstance(payload, dict):
        raise InvalidValue(f"Invalid values for {related._name}.write: {payload!r}")
    write_records(related, payload)


def _detach(comodel: BaseModel, inverse: Field, child_ids: list[int]) -> None:
    if not child_ids:
        return
    children = comodel.browse(child_ids)
    if inverse.required or getattr(inverse, "ondelete", "") == "cascade":
        unlink_records(children)
    else:
        write_records(children, {inverse.name: False})


def _apply_one2many(record: BaseModel, field: One2many, commands: list[tuple[Any, ...]]) -> None:
    env = record.env
    comodel = env[field.comodel].sudo()
    inverse = comodel._fields[field.inverse_name]
    record_id = record.ids[0]

    def children() -> list[int]:
        return list(record._values(field.name)[record_id])

    for code, ref, payload in commands:
        if code == 0:
            create_records(comodel, [{**(payload or {}), field.inverse_name: record_id}])
        elif code == 1:
            _update(comodel.browse(ref), payload)
        elif code == 2:
            if ref in env.store.tables[field.comodel].rows:
                unlink_records(comodel.browse(ref))
        elif code == 3:
            _detach(comodel, inverse, [ref] if ref in children() else [])
        elif code == 4:
            write_records(
                comodel.browse(_linkable(env, type(record), field, field.comodel, ids_of([ref]))),
                {field.inverse_name: record_id},
            )
        elif code == 5:
            _detach(comodel, inverse, children())
        else:
            keep = _linkable(env, type(record), field, field.comodel, ids_of(payload or []))
            _detach(comodel, inverse, [c for c in children() if c not in keep])
            if keep:
                write_records(comodel.browse(keep), {field.inverse_name: record_id})


def _references(env: Environment, model: str) -> list[tuple[type[BaseModel], Field]]:
    found: list[tuple[type[BaseModel], Field]] = []
    for other in env.registry.values():
        for field in other._fields.values():
            if isinstance(field, (Many2one, Many2many)) and field.column and field.comodel == model:
                found.append((other, field))
    return found


def unlink_records(records: BaseModel) -> None:
    """Delete the records that still exist, applying ``ondelete`` to what refers to them."""
    env = records.env
    model = type(records)
    rows = records._rows
    ids = {i for i in records.ids if i in rows}
    if not ids:
        return
    records.browse(sorted(ids))._check_unlink()
    journal = env.transaction.journal
    for ref_model, field in _references(env, model._name):
        ref_rows = env.store.tables[ref_model._name].rows
        if isinstance(field, Many2many):
            for ref_id, row in list(ref_rows.items()):
                kept = tuple(c for c in row[field.name] if c not in ids)
                if len(kept) != len(row[field.name]):
                    journal.update(ref_model._name, ref_id, {field.name: kept})
            continue
        hits = [ref_id for ref_id, row in ref_rows.items() if row[field.name] in ids]
        if ref_model is model:
            hits = [h for h in hits if h not in ids]
        if not hits:
            continue
        ondelete = getattr(field, "ondelete", "set null")
        if ondelete == "cascade":
            unlink_records(env[ref_model._name].sudo().browse(hits))
        elif ondelete == "restrict" or field.required:
            raise foreign_key_error(ref_model, field)
        else:
            for ref_id in hits:
                journal.update(ref_model._name, ref_id, {field.name: None})
    for record_id in sorted(ids):
        if record_id in rows:
            journal.delete(model._name, record_id)
