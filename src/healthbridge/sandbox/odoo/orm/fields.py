"""Typed fields: how a value is accepted, stored, compared, read and described.

Stored values are plain Python: ``None`` for an empty char/date/many2one, ``0``/``0.0`` for
numbers, naive UTC ``datetime`` with microseconds, a tuple of ids for many2many. One2many is
never stored; it is derived from its inverse many2one. Reading returns Python objects (a
``datetime`` stays a ``datetime``) because webhook bodies need ``str(datetime)`` with
microseconds, while the RPC rendering cuts them to seconds later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar

SelectionList = list[tuple[str, str]]


class Field:
    """A column of a model; subclasses say how values are converted."""

    type: ClassVar[str] = ""
    relational: ClassVar[bool] = False

    def __init__(
        self,
        string: str | None = None,
        *,
        required: bool = False,
        readonly: bool = False,
        default: Any = None,
        help: str | None = None,
        compute: str | None = None,
        inverse: str | None = None,
        store: bool | None = None,
        search: bool | None = None,
        depends_context: bool = False,
    ) -> None:
        self.string = string
        self.required = required
        self.readonly = readonly or (compute is not None and inverse is None)
        self.default = default
        self.help = help
        self.compute = compute
        self.inverse = inverse
        self.store = store if store is not None else compute is None
        self.searchable = search if search is not None else True
        self.depends_context = depends_context
        self.column = compute is None and self.type != "one2many"
        """True when the value lives in the row (stored and not computed)."""
        """True when the computed value depends on the context (stock per location)."""
        self.name = ""
        self.model_name = ""

    def __set_name__(self, owner: object, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{self.model_name}.{self.name}"

    @property
    def label(self) -> str:
        return self.string or self.name.replace("_", " ").title()

    def empty(self) -> Any:
        """The stored value of a field nobody set."""
        return None

    def to_cache(self, value: Any) -> Any:
        """Convert a client value to the stored form; ``ValueError`` when it cannot be."""
        return value

    def to_search(self, value: Any) -> Any:
        """Convert a domain operand to the stored form, ``None`` standing for False."""
        if value is False or value is None:
            return None
        return self.to_cache(value)

    def to_read(self, value: Any) -> Any:
        """The value ``read()`` returns for a stored value (relations are handled by the reader)."""
        return False if value is None else value

    def describe(self) -> dict[str, Any]:
        """The ``fields_get`` entry."""
        info: dict[str, Any] = {
            "type": self.type,
            "string": self.label,
            "required": self.required,
            "readonly": self.readonly,
            "store": self.store,
            "searchable": self.searchable,
            "sortable": self.store,
            "groupable": self.store and self.type not in ("one2many", "many2many", "text", "html"),
            "manual": False,
            "company_dependent": False,
            "name": self.name,
            "exportable": True,
            "change_default": False,
            "depends": [],
        }
        if self.help:
            info["help"] = self.help
        return info


class Char(Field):
    type = "char"

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == "":
            return None
        return value if isinstance(value, str) else str(value)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(translate=False, trim=True)
        return info


class Text(Char):
    type = "text"

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.pop("trim", None)
        return info


class Html(Text):
    type = "html"


class Integer(Field):
    type = "integer"

    def empty(self) -> Any:
        return 0

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == "":
            return 0
        return int(value)

    def to_search(self, value: Any) -> Any:
        if value is False or value is None:
            return None
        return int(value) if not isinstance(value, float) else value

    def to_read(self, value: Any) -> Any:
        return value


class Float(Field):
    type = "float"

    def __init__(
        self, string: str | None = None, *, digits: tuple[int, int] | None = None, **kw: Any
    ) -> None:
        super().__init__(string, **kw)
        self.digits = digits

    def empty(self) -> Any:
        return 0.0

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == "":
            return 0.0
        return float(value)

    def to_search(self, value: Any) -> Any:
        if value is False or value is None:
            return None
        return float(value)

    def to_read(self, value: Any) -> Any:
        return value

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        if self.digits:
            info["digits"] = list(self.digits)
        return info


class Monetary(Float):
    type = "monetary"

    def __init__(
        self, string: str | None = None, *, currency_field: str = "currency_id", **kw: Any
    ) -> None:
        super().__init__(string, **kw)
        self.currency_field = currency_field

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["currency_field"] = self.currency_field
        return info


class Boolean(Field):
    type = "boolean"

    def empty(self) -> Any:
        return False

    def to_cache(self, value: Any) -> Any:
        return bool(value)

    def to_search(self, value: Any) -> Any:
        return bool(value)

    def to_read(self, value: Any) -> Any:
        return bool(value)


def parse_date(value: Any) -> date | None:
    """Odoo's ``Date.to_date``: a date, a datetime or a ``YYYY-MM-DD...`` string."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return datetime.strptime(value[:10], "%Y-%m-%d").date()
    raise ValueError(f"Invalid date value {value!r}")


def parse_datetime(value: Any) -> datetime | None:
    """Odoo's ``Datetime.to_datetime``: naive UTC; a bare date means midnight."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.replace("T", " ")
        if len(text) == 10:
            return datetime.strptime(text, "%Y-%m-%d")
        if len(text) > 19:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    raise ValueError(f"Invalid datetime value {value!r}")


class Date(Field):
    type = "date"

    def to_cache(self, value: Any) -> Any:
        return parse_date(value)


class Datetime(Field):
    type = "datetime"

    def to_cache(self, value: Any) -> Any:
        return parse_datetime(value)


class Selection(Field):
    type = "selection"

    def __init__(
        self,
        selection: SelectionList | Callable[[], SelectionList],
        string: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(string, **kw)
        self._selection = selection
        self._keys = None if callable(selection) else frozenset(key for key, _label in selection)

    @property
    def selection(self) -> SelectionList:
        source = self._selection
        return source() if callable(source) else source

    def keys(self) -> frozenset[str]:
        if self._keys is not None:
            return self._keys
        return frozenset(key for key, _label in self.selection)

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == "":
            return None
        if value not in self.keys():
            raise ValueError(f"Wrong value for {self}: {value!r}")
        return value

    def to_search(self, value: Any) -> Any:
        if value is False or value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["selection"] = [[key, label] for key, label in self.selection]
        return info


class Many2one(Field):
    type = "many2one"
    relational = True

    def __init__(
        self, comodel: str, string: str | None = None, *, ondelete: str = "set null", **kw: Any
    ) -> None:
        super().__init__(string, **kw)
        self.comodel = comodel
        self.ondelete = ondelete

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == 0:
            return None
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"Wrong value for {self}: {value!r}")  # noqa: TRY004 - Odoo's ValueError
        return value

    def to_search(self, value: Any) -> Any:
        if value is False or value is None:
            return None
        return value

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(relation=self.comodel, domain=[], context={})
        return info


class One2many(Field):
    type = "one2many"
    relational = True

    def __init__(
        self, comodel: str, inverse_name: str, string: str | None = None, **kw: Any
    ) -> None:
        kw.setdefault("store", False)
        super().__init__(string, **kw)
        self.comodel = comodel
        self.inverse_name = inverse_name

    def empty(self) -> Any:
        return ()

    def to_read(self, value: Any) -> Any:
        return list(value)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(relation=self.comodel, relation_field=self.inverse_name, domain=[], context={})
        info["store"] = True  # Odoo reports one2many as stored: its inverse column is
        info["sortable"] = False
        return info


class Many2many(Field):
    type = "many2many"
    relational = True

    def __init__(self, comodel: str, string: str | None = None, **kw: Any) -> None:
        super().__init__(string, **kw)
        self.comodel = comodel

    def empty(self) -> Any:
        return ()

    def to_read(self, value: Any) -> Any:
        return list(value)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(relation=self.comodel, domain=[], context={}, sortable=False)
        return info


def ids_of(values: Sequence[Any]) -> list[int]:
    """The ids in a client list, refusing anything that is not an int."""
    result: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"Invalid id {value!r}")  # noqa: TRY004 - Odoo's ValueError
        result.append(value)
    return result
