"""``BaseModel``: the recordset class every sandbox model derives from, with Odoo 19's API.

A model is a class with ``_name``, ``_description``, ``_order`` and typed fields; an
instance is a recordset (an environment and a tuple of ids). The public methods below
carry Odoo 19's exact parameter names, so the JSON-2 binding (``inspect.Signature.bind``)
and positional ``execute_kw`` calls fail with the same ``TypeError`` text Odoo shows
(``BaseModel.search() got an unexpected keyword argument 'x'``). Methods marked
``api_model`` take no ids; ``private`` ones exist but cannot be called remotely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from healthbridge.sandbox.odoo.exceptions import InvalidField, InvalidValue, MissingError
from healthbridge.sandbox.odoo.orm.access import OPERATIONS, Operation
from healthbridge.sandbox.odoo.orm.domain import Leaf, Node, Or, conjunction, parse_domain
from healthbridge.sandbox.odoo.orm.evaluation import Evaluator
from healthbridge.sandbox.odoo.orm.fields import Char, Datetime, Field, Integer, Many2one
from healthbridge.sandbox.odoo.orm.ordering import parse_order, sort_ids
from healthbridge.sandbox.odoo.orm.reading import read_rows
from healthbridge.sandbox.odoo.orm.values import field_values
from healthbridge.sandbox.odoo.orm.writing import create_records, unlink_records, write_records

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment
    from healthbridge.sandbox.odoo.orm.store import Row

REGISTRY: dict[str, type[BaseModel]] = {}
"""Every model class by ``_name``, filled as the model modules are imported."""

MAGIC_FIELDS = frozenset({"id", "create_uid", "create_date", "write_uid", "write_date"})

F = TypeVar("F", bound=Callable[..., Any])


def api_model(func: F) -> F:
    """Mark a method as model-level: it takes no ids (Odoo's ``@api.model``)."""
    setattr(func, "_api_model", True)  # noqa: B010 - a marker attribute on a function
    return func


def private(func: F) -> F:
    """Mark a public-looking method as not callable over RPC (Odoo's ``@api.private``)."""
    setattr(func, "_api_private", True)  # noqa: B010 - a marker attribute on a function
    return func


def _magic_fields() -> dict[str, Field]:
    return {
        "id": Integer("ID", readonly=True),
        "display_name": Char("Display Name", compute="_compute_display_name"),
        "create_uid": Many2one("res.users", "Created by", readonly=True),
        "create_date": Datetime("Created on", readonly=True),
        "write_uid": Many2one("res.users", "Last Updated by", readonly=True),
        "write_date": Datetime("Last Updated on", readonly=True),
    }


class BaseModel:
    """A recordset: ``env`` plus ``ids``. Subclasses with a ``_name`` are registered."""

    __slots__ = ("env", "ids")

    _name: ClassVar[str] = ""
    _description: ClassVar[str] = ""
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str | None] = None
    _rec_names_search: ClassVar[tuple[str, ...]] = ()
    _parent_name: ClassVar[str] = "parent_id"
    _recursion_message: ClassVar[str] = "Recursion Detected."
    _fields: ClassVar[dict[str, Field]] = {}
    _webhook_create_fires: ClassVar[int] = 1
    """Posts a rule without trigger fields sends for one created record (res.partner: 13)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("_name"):
            return
        fields = _magic_fields()
        fields.update(
            (name, value) for name, value in vars(cls).items() if isinstance(value, Field)
        )
        for name, field in fields.items():
            field.name = name
            field.model_name = cls._name
        cls._fields = fields
        if cls._rec_name is None and "name" in fields:
            cls._rec_name = "name"
        if not cls._rec_names_search and cls._rec_name:
            cls._rec_names_search = (cls._rec_name,)
        REGISTRY[cls._name] = cls

    def __init__(self, env: Environment, ids: Iterable[int] = ()) -> None:
        self.env = env
        self.ids: tuple[int, ...] = tuple(ids)

    def __repr__(self) -> str:
        return f"{self._name}{self.ids!r}"

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    # ---- recordset plumbing (not callable remotely) ---------------------------------------

    @private
    def browse(self, ids: Iterable[int] | int = ()) -> Self:
        """Another recordset of this model in the same environment."""
        if isinstance(ids, int):
            ids = (ids,)
        return type(self)(self.env, ids)

    @private
    def sudo(self) -> Self:
        return type(self)(self.env.sudo(), self.ids)

    @private
    def with_context(self, **values: Any) -> Self:
        return type(self)(self.env.with_context(**values), self.ids)

    @private
    def check_access(self, operation: str) -> None:
        """Odoo 19 made this private; it exists so that calling it says so."""
        self._check_access(self._operation(operation))

    @property
    def _rows(self) -> dict[int, Row]:
        return self.env.store.tables[self._name].rows

    def _row(self, record_id: int) -> Row:
        return self._rows[record_id]

    def _values(self, name: str) -> dict[int, Any]:
        """Stored-form values of field ``name`` for every record of ``self``."""
        return field_values(self.env, type(self), self._fields[name], self.ids)

    def _existing(self) -> Self:
        rows = self._rows
        return self.browse(i for i in self.ids if i in rows)

    def _ensure_exist(self) -> None:
        rows = self._rows
        missing = tuple(i for i in dict.fromkeys(self.ids) if i not in rows)
        if missing:
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {self._name}{missing[:6]!r}, User: {self.env.uid})"
            )

    @staticmethod
    def _operation(operation: Any) -> Operation:
        for known in OPERATIONS:
            if operation == known:
                return known
        raise InvalidValue(f"Invalid access operation {operation!r}")

    def _check_access(self, operation: Operation) -> None:
        env = self.env
        if env.su or env.rights.allows(env.groups, self._name, operation):
            return
        raise env.rights.denial(self._name, self._description, operation)

    def _field_names(self, fields: Any) -> list[str]:
        if not fields:
            return list(self._fields)
        if isinstance(fields, str):
            fields = [fields]
        for name in fields:
            if name not in self._fields:
                raise InvalidField(f"Invalid field {name!r} on {self._name!r}")
        return list(dict.fromkeys(fields))

    def _search_ids(
        self, domain: Any, offset: Any = 0, limit: Any = None, order: Any = None
    ) -> list[int]:
        node = parse_domain(domain)
        order = order or self._order
        if not isinstance(order, str):
            raise InvalidValue(
                f"Invalid order {order!r}: an order is a string like 'name asc, id desc'"
            )
        terms = parse_order(type(self), order)
        ids = Evaluator(self.env).search_ids(type(self), node, active_test=self.env.active_test)
        ordered = sort_ids(self.env, type(self), list(ids), terms)
        start = int(offset or 0)
        return ordered[start : start + int(limit)] if limit else ordered[start:]

    def _name_node(self, name: str, operator: str) -> Node:
        leaves: list[Node] = [
            Leaf(f, operator, name, (f, operator, name)) for f in self._rec_names_search
        ]
        return leaves[0] if len(leaves) == 1 else Or(tuple(leaves))

    @classmethod
    def _webhook_write_fires(cls, written: frozenset[str]) -> int:
        """Posts a rule without trigger fields sends for one record written with ``written``."""
        del written
        return 1

    # ---- hooks for the models -----------------------------------------------------------

    def _compute_display_name(self) -> dict[int, Any]:
        if self._rec_name is None:
            return {i: f"{self._name},{i}" for i in self.ids}
        return self._values(self._rec_name)

    def _prepare_create(self, vals: dict[str, Any]) -> dict[str, Any]:
        """Values of one record about to be created (sequences, derived defaults)."""
        return vals

    def _after_create(self, vals_list: list[dict[str, Any]]) -> None:
        """Runs once the records of ``self`` exist (syncs, side records)."""

    def _after_write(self, vals: dict[str, Any]) -> None:
        """Runs after ``vals`` was written on ``self`` (syncs to related records)."""

    def _check_constraints(self, names: set[str]) -> None:
        """Raise ``ValidationError`` when ``self`` breaks a rule touched by ``names``."""

    def _check_unlink(self) -> None:
        """Raise ``UserError`` when ``self`` may not be deleted."""

    # ---- the remote API -----------------------------------------------------------------

    @api_model
    def search(self, domain: Any, offset: Any = 0, limit: Any = None, order: Any = None) -> Self:
        """The matching records, in ``order`` (the model's ``_order`` when empty)."""
        self._check_access("read")
        return self.browse(self._search_ids(domain, offset, limit, order))

    @api_model
    def search_count(self, domain: Any, limit: Any = None) -> int:
        self._check_access("read")
        return len(self._search_ids(domain, 0, limit, "id"))

    @api_model
    def search_read(
        self,
        domain: Any = None,
        fields: Any = None,
        offset: Any = 0,
        limit: Any = None,
        order: Any = None,
        **read_kwargs: Any,
    ) -> list[dict[str, Any]]:
        names = self._field_names(fields)
        records = self.search(domain or [], offset=offset, limit=limit, order=order)
        return records._read_format(names, **read_kwargs)

    def _read_format(self, fnames: list[str], load: Any = "_classic_read") -> list[dict[str, Any]]:
        rows = self._rows
        ids = [i for i in self.ids if i in rows]
        return read_rows(self.env, type(self), ids, fnames, load == "_classic_read", render=True)

    def read(self, fields: Any = None, load: Any = "_classic_read") -> list[dict[str, Any]]:
        """Rows of the records that exist (missing ids are left out, as in Odoo)."""
        self._check_access("read")
        return self._read_format(self._field_names(fields), load=load)

    @api_model
    def create(self, vals_list: Any) -> Self:
        """New records; a dict creates one, a list one per dict."""
        self._check_access("create")
        batch = [vals_list] if isinstance(vals_list, dict) else vals_list
        if not isinstance(batch, list):
            raise InvalidValue(f"Invalid values for {self._name}.create: {vals_list!r}")
        return self.browse(create_records(self, batch))

    def write(self, vals: Any) -> bool:
        self._check_access("write")
        self._ensure_exist()
        if not isinstance(vals, dict):
            raise InvalidValue(f"Invalid values for {self._name}.write: {vals!r}")
        write_records(self, vals)
        return True

    def unlink(self) -> bool:
        self._check_access("unlink")
        self._ensure_exist()
        unlink_records(self)
        return True

    def exists(self) -> Self:
        return self._existing()

    @api_model
    def fields_get(
        self, allfields: Any = None, attributes: Any = None
    ) -> dict[str, dict[str, Any]]:
        names = [n for n in allfields if n in self._fields] if allfields else list(self._fields)
        result: dict[str, dict[str, Any]] = {}
        for name in names:
            info = self._fields[name].describe()
            if attributes:
                info = {key: info[key] for key in attributes if key in info}
            result[name] = info
        return result

    @api_model
    def name_search(
        self, name: Any = "", domain: Any = None, operator: Any = "ilike", limit: Any = 100
    ) -> list[tuple[int, str]]:
        """``[(id, display_name)]`` of records whose name matches."""
        self._check_access("read")
        node = parse_domain(domain)
        if name or operator not in ("ilike", "like", "=ilike", "=like"):
            node = conjunction(node, self._name_node(name, str(operator)))
        ids = Evaluator(self.env).search_ids(type(self), node, active_test=self.env.active_test)
        ordered = sort_ids(self.env, type(self), list(ids), parse_order(type(self), self._order))
        if limit:
            ordered = ordered[: int(limit)]
        names = self.browse(ordered).sudo()._compute_display_name()
        return [(i, names[i] or "") for i in ordered]

    def has_access(self, operation: Any) -> bool:
        env = self.env
        return env.su or env.rights.allows(env.groups, self._name, self._operation(operation))

    @api_model
    def check_access_rights(self, operation: Any, raise_exception: Any = True) -> bool:
        allowed = self.has_access(operation)
        if not allowed and raise_exception:
            self._check_access(self._operation(operation))
        return allowed
