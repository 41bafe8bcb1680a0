"""Public fakes for every port, so use cases can be tested without Odoo or a database.

``FakeOdoo`` is an in-memory ``OdooPort`` with a deliberately small slice of Odoo: the
domain operators, ordering, ``write_date`` stamping and ``active`` filtering the capture
use cases rely on. Anything else raises ``FakeOdooUnsupportedError`` instead of pretending.
Behaviour it does reproduce is the observed one (wire facts): ``write_date`` is stamped
once per call with microseconds, stored that way, compared that way in domains, and read
back cut to the second.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import uvicorn

from healthbridge.canonical.changes import (
    SOURCE_BITS,
    OdooChange,
    RecordedChange,
    Watermark,
    sources_from_bits,
    to_utc_second,
)
from healthbridge.core.clock import Clock, SystemClock
from healthbridge.services.ports import Domain, Record

__all__ = [
    "FakeClock",
    "FakeOdoo",
    "FakeOdooUnsupportedError",
    "MemoryChangeLog",
    "MemoryWatermarks",
    "served",
]

_DATETIME_FIELDS = frozenset({"create_date", "write_date"})
_LOGIC = frozenset({"&", "|", "!"})


class FakeOdooUnsupportedError(NotImplementedError):
    """The test asked ``FakeOdoo`` for Odoo behaviour it does not emulate."""


class FakeClock:
    """A settable clock: starts at ``start`` (UTC) and moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 24, 15, 41, 51, 278667, tzinfo=UTC)
        self._monotonic = 0.0

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def monotonic(self) -> float:
        """Seconds advanced so far."""
        return self._monotonic

    def advance(self, seconds: float) -> datetime:
        """Move time forward by ``seconds``; returns the new time."""
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (timezone-aware)."""
        self._now = moment


class FakeOdoo:
    """An in-memory Odoo for unit tests of use cases (see the module doc for its limits).

    Supported: domains in prefix notation with ``& | !`` and the operators in
    ``OPERATORS``; ``order`` as ``"field asc, field desc"``; ``limit``/``offset``;
    ``active_test`` in the context; x2many commands 4, 5 and 6 and plain id lists.
    Values are returned as stored: a many2one is its bare id, not ``[id, name]``.
    Not emulated: access rights, required fields, unknown-field errors (an unknown field
    reads as ``False``), computed fields, business methods (``call``) and webhooks; use the
    Odoo sandbox for those. ``failures`` holds exceptions that the next calls raise, in order.
    """

    OPERATORS: ClassVar[frozenset[str]] = frozenset(
        {"=", "!=", ">", ">=", "<", "<=", "in", "not in"}
    )

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._tables: dict[str, dict[int, dict[str, Any]]] = {}
        self._next_id: dict[str, int] = {}
        self.calls: list[tuple[str, str]] = []
        self.failures: list[BaseException] = []

    # -- set-up helpers (not part of OdooPort) -----------------------------------------

    def declare_model(self, model: str, fields: Iterable[str]) -> int:
        """Register ``model`` and its fields in ``ir.model``/``ir.model.fields``; the model id."""
        found = [r for r in self._table("ir.model").values() if r["model"] == model]
        model_id = found[0]["id"] if found else self._insert("ir.model", {"model": model})
        known = {r["name"] for r in self._table("ir.model.fields").values() if r["model"] == model}
        for name in ("id", "create_date", "write_date", *fields):
            if name not in known:
                self._insert(
                    "ir.model.fields", {"model": model, "model_id": model_id, "name": name}
                )
                known.add(name)
        return int(model_id)

    def records(self, model: str) -> list[dict[str, Any]]:
        """Copies of every stored record of ``model`` (archived ones too), by id."""
        return [dict(row) for _, row in sorted(self._table(model).items())]

    # -- OdooPort ---------------------------------------------------------------------

    async def search_read(
        self,
        model: str,
        domain: Domain = (),
        fields: Sequence[str] | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """Matching records, ordered, paged and cut to ``fields`` as Odoo would."""
        self._enter(model, "search_read")
        rows = self._search(model, domain, context)
        rows = _ordered(rows, order or "id asc")
        rows = rows[offset : offset + limit] if limit else rows[offset:]
        return [_read(row, fields) for row in rows]

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """The records with these ids (archived too); missing ids are left out."""
        self._enter(model, "read")
        table = self._table(model)
        return [_read(table[i], fields) for i in ids if i in table]

    async def search_count(
        self, model: str, domain: Domain = (), *, context: Mapping[str, Any] | None = None
    ) -> int:
        """How many records match."""
        self._enter(model, "search_count")
        return len(self._search(model, domain, context))

    async def create(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Create records; all of one call share one ``create_date``/``write_date``."""
        self._enter(model, "create")
        stamp = self._stamp()
        return [
            self._insert(
                model, {**_apply_commands({}, vals), "create_date": stamp, "write_date": stamp}
            )
            for vals in vals_list
        ]

    async def write(
        self,
        model: str,
        ids: Sequence[int],
        vals: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Write ``vals`` and bump ``write_date`` (even when nothing changes, like Odoo)."""
        self._enter(model, "write")
        table = self._table(model)
        missing = [i for i in ids if i not in table]
        if missing:
            raise LookupError(f"{model} records {missing} do not exist")
        stamp = self._stamp()
        for record_id in ids:
            table[record_id] = {**_apply_commands(table[record_id], vals), "write_date": stamp}
        return True

    async def unlink(
        self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None
    ) -> bool:
        """Delete the records."""
        self._enter(model, "unlink")
        table = self._table(model)
        for record_id in ids:
            table.pop(record_id, None)
        return True

    async def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> Any:
        """Not emulated: business methods live in the real sandbox."""
        self._enter(model, method)
        raise FakeOdooUnsupportedError(f"FakeOdoo does not emulate {model}.{method}")

    # -- internals --------------------------------------------------------------------

    def _enter(self, model: str, method: str) -> None:
        self.calls.append((model, method))
        if self.failures:
            raise self.failures.pop(0)

    def _table(self, model: str) -> dict[int, dict[str, Any]]:
        return self._tables.setdefault(model, {})

    def _insert(self, model: str, values: dict[str, Any]) -> int:
        record_id = self._next_id.get(model, 1)
        self._next_id[model] = record_id + 1
        self._table(model)[record_id] = {**values, "id": record_id}
        return record_id

    def _stamp(self) -> datetime:
        # Odoo stores naive UTC with microseconds: the transaction's start time.
        return self.clock.now().astimezone(UTC).replace(tzinfo=None)

    def _search(
        self, model: str, domain: Domain, context: Mapping[str, Any] | None
    ) -> list[dict[str, Any]]:
        rows = list(self._table(model).values())
        active_test = (context or {}).get("active_test", True)
        if active_test and not _mentions(domain, "active"):
            rows = [row for row in rows if row.get("active", True)]
        return [row for row in rows if _matches(row, list(domain))]


def _mentions(domain: Domain, name: str) -> bool:
    return any(isinstance(term, (list, tuple)) and term and term[0] == name for term in domain)


def _matches(row: Mapping[str, Any], domain: list[Any]) -> bool:
    if not domain:
        return True
    result, rest = _evaluate(row, domain)
    while rest:  # implicit AND between top-level terms
        more, rest = _evaluate(row, rest)
        result = result and more
    return result


def _evaluate(row: Mapping[str, Any], domain: list[Any]) -> tuple[bool, list[Any]]:
    head, rest = domain[0], domain[1:]
    if head == "!":
        value, rest = _evaluate(row, rest)
        return (not value), rest
    if isinstance(head, str) and head in _LOGIC:
        left, rest = _evaluate(row, rest)
        right, rest = _evaluate(row, rest)
        return (left and right) if head == "&" else (left or right), rest
    if not isinstance(head, (list, tuple)) or len(head) != 3:
        raise FakeOdooUnsupportedError(f"FakeOdoo cannot read the domain term {head!r}")
    return _leaf(row, *head), rest


def _leaf(row: Mapping[str, Any], name: str, operator: str, value: Any) -> bool:
    if operator not in FakeOdoo.OPERATORS:
        raise FakeOdooUnsupportedError(f"FakeOdoo does not support the operator {operator!r}")
    stored = row.get(name, False)
    if name in _DATETIME_FIELDS and isinstance(value, str):
        value = datetime.fromisoformat(value)
    if operator in ("in", "not in"):
        inside = stored in value if not isinstance(stored, list) else bool(set(stored) & set(value))
        return inside if operator == "in" else not inside
    if operator == "=":
        return bool(stored == value)
    if operator == "!=":
        return bool(stored != value)
    if _is_empty(stored) or _is_empty(value):
        return False  # Odoo's SQL comparisons with NULL are never true
    comparisons = {
        ">": stored > value,
        ">=": stored >= value,
        "<": stored < value,
        "<=": stored <= value,
    }
    return bool(comparisons[operator])


def _is_empty(value: Any) -> bool:
    return value is None or value is False


def _ordered(rows: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
    terms = [part.split() for part in order.split(",") if part.strip()]
    for term in reversed(terms):  # stable sorts, last key first
        descending = len(term) > 1 and term[1].lower() == "desc"
        rows = sorted(rows, key=_sort_key(term[0]), reverse=descending)
    return rows


def _sort_key(name: str) -> Callable[[Mapping[str, Any]], tuple[bool, Any]]:
    def key(row: Mapping[str, Any]) -> tuple[bool, Any]:
        value = row.get(name)
        # Empty values sort last, as with PostgreSQL's ASC.
        return (_is_empty(value), 0 if _is_empty(value) else value)

    return key


def _read(row: Mapping[str, Any], fields: Sequence[str] | None) -> Record:
    names = list(row) if not fields else ["id", *[f for f in fields if f != "id"]]
    out: Record = {}
    for name in names:
        value = row.get(name, False)
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M:%S")  # RPC reads cut to the second
        elif isinstance(value, list):
            value = list(value)
        out[name] = value
    return out


def _apply_commands(current: Mapping[str, Any], vals: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(current)
    for name, value in vals.items():
        if name in ("id", "create_date", "write_date"):
            continue  # read-only in Odoo: client values are ignored
        result[name] = _x2many(result.get(name), value) if _is_commands(value) else value
    return result


def _is_commands(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(item, (list, tuple)) for item in value)


def _x2many(current: Any, commands: list[Any]) -> list[int]:
    ids = list(current) if isinstance(current, list) else []
    for command in commands:
        code = command[0]
        if code == 6:
            ids = list(command[2])
        elif code == 5:
            ids = []
        elif code == 4 and command[1] not in ids:
            ids.append(command[1])
        else:
            raise FakeOdooUnsupportedError(f"FakeOdoo does not support the x2many command {code}")
    return ids


class MemoryWatermarks:
    """``WatermarkPort`` in memory, with the store's ``set``/``all``/``reset`` too."""

    def __init__(self) -> None:
        self._marks: dict[str, Watermark] = {}

    async def get(self, model: str) -> Watermark | None:
        """The watermark of ``model``, or None."""
        return self._marks.get(model)

    async def set(self, watermark: Watermark) -> None:
        """Store ``watermark``."""
        self._marks[watermark.model] = watermark

    async def all(self) -> list[Watermark]:
        """Every watermark, by model."""
        return [self._marks[model] for model in sorted(self._marks)]

    async def reset(self, model: str) -> None:
        """Forget ``model``'s watermark."""
        self._marks.pop(model, None)


class MemoryChangeLog:
    """``ChangeLogPort`` in memory, collapsing on the same key as the store.

    ``gate``, when given, makes ``record`` wait until it is set (to prove that callers
    such as the webhook receiver do not wait for the store); ``delay_seconds`` slows
    every ``record``.
    """

    def __init__(
        self,
        watermarks: MemoryWatermarks | None = None,
        *,
        gate: asyncio.Event | None = None,
        delay_seconds: float = 0.0,
    ) -> None:
        self.watermarks = watermarks or MemoryWatermarks()
        self.gate = gate
        self.delay_seconds = delay_seconds
        self._rows: dict[tuple[str, int, datetime], RecordedChange] = {}

    async def record(self, change: OdooChange) -> bool:
        """Record one observation; True when it is the first of this change."""
        if self.gate is not None:
            await self.gate.wait()
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        return self._upsert(change)

    async def record_page(self, changes: Sequence[OdooChange], watermark: Watermark) -> int:
        """Record a page and move the watermark (atomic: nothing awaits in between)."""
        new = sum(self._upsert(change) for change in changes)
        await self.watermarks.set(watermark)
        return new

    async def get(self, model: str, record_id: int, write_date: datetime) -> RecordedChange | None:
        """The recorded change with this key, or None."""
        return self._rows.get((model, record_id, to_utc_second(write_date)))

    async def latest(self, limit: int = 50, *, model: str | None = None) -> list[RecordedChange]:
        """The most recent changes first."""
        rows = [r for r in self._rows.values() if model is None or r.model == model]
        return sorted(rows, key=lambda r: r.id, reverse=True)[:limit]

    async def since(
        self, after_id: int = 0, *, limit: int = 100, model: str | None = None
    ) -> list[RecordedChange]:
        """Changes after ``after_id``, oldest first."""
        rows = [r for r in self._rows.values() if r.id > after_id]
        rows = [r for r in rows if model is None or r.model == model]
        return sorted(rows, key=lambda r: r.id)[:limit]

    async def count(self, *, model: str | None = None) -> int:
        """How many distinct changes are recorded."""
        return sum(1 for r in self._rows.values() if model is None or r.model == model)

    def _upsert(self, change: OdooChange) -> bool:
        found = self._rows.get(change.key)
        if found is None:
            self._rows[change.key] = RecordedChange(
                id=len(self._rows) + 1,
                model=change.model,
                record_id=change.record_id,
                write_date=change.write_date,
                changed_fields=change.changed_fields,
                sources=(change.source,),
                seen_count=1,
                first_seen_at=change.observed_at,
                last_seen_at=change.observed_at,
            )
            return True
        bits = sum(SOURCE_BITS[s] for s in found.sources) | SOURCE_BITS[change.source]
        longer = len(change.changed_fields) > len(found.changed_fields)
        self._rows[change.key] = found.model_copy(
            update={
                "sources": sources_from_bits(bits),
                "seen_count": found.seen_count + 1,
                "changed_fields": change.changed_fields if longer else found.changed_fields,
                "first_seen_at": min(found.first_seen_at, change.observed_at),
                "last_seen_at": max(found.last_seen_at, change.observed_at),
            }
        )
        return False


@contextlib.asynccontextmanager
async def served(app: Any, *, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve an ASGI ``app`` with uvicorn on a free port of ``host``; yields its base URL.

    The app's lifespan runs, as in production; leaving the block shuts the server down.
    """
    config = uvicorn.Config(
        app, host=host, port=0, lifespan="on", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # raises why the server could not start
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
