"""The async SQLAlchemy engine for Healthbridge's own store, SQLite or PostgreSQL.

SQLite is the embedded default, so several tasks and a second process (the CLI next to a
running hub) share one file. Each connection is therefore set up for that: WAL so readers
never block the writer, and foreign keys on because SQLite leaves them off by default.
Statements run in the event loop's thread (``store.inline_sqlite`` says why), so no
statement may wait long inside SQLite: the busy timeout is a few milliseconds, and a
writer that finds another process holding the write lock waits for it here, with
asyncio sleeps, for up to ``SQLITE_BUSY_TIMEOUT_MS``.

**Writers of one process take turns before they reach SQLite.** The poller, the relay,
the webhook fan-out and the dispatcher all write the same file from one event loop. Left
to SQLite, a writer that finds the lock taken sleeps in the busy handler (up to 100 ms a
try, from a worker thread) while the holder, which keeps its transaction open across
awaits, may be waiting for the event loop; a writer in a back-to-back loop then starves
the others, and a deferred transaction that read before writing fails at once with
"database is locked". So every ``engine.begin()`` on a SQLite engine first waits its
turn on one asyncio lock per database file and event loop (first come, first served),
then opens its transaction with ``BEGIN IMMEDIATE`` (``begin_immediate``), taking
SQLite's write lock before its first statement.

A ``begin()`` nested in a task that already holds the turn (a writer opening a second
connection) does not wait for the turn, which it would never get: it opens an ordinary
deferred transaction, as before. Its reads work; its writes wait for the outer one's
commit like any second process. Reads through ``engine.connect()`` never wait: WAL lets
them run beside the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from healthbridge.core.errors import ConfigError
from healthbridge.store.inline_sqlite import DRIVER as INLINE_DRIVER

SQLITE_BUSY_TIMEOUT_MS = 15_000
"""How long a SQLite writer waits for the lock; longer than any transaction the hub runs."""

SQLITE_STALL_MS = 5
"""SQLite's own busy timeout: the longest one statement may hold up the event loop."""

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def create_store_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine for ``url`` whose every SQLite connection has WAL, busy timeout and FKs on.

    Creates the folder of a SQLite file so the embedded default works on a fresh machine.
    Raises ``ConfigError`` for drivers the store does not support.
    """
    parsed = make_url(url)
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            "store.url must use sqlite+aiosqlite:// or postgresql+asyncpg://",
            details={"key": "store.url"},
        )
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    return create_async_engine(parsed, echo=echo, pool_pre_ping=True)


class StoreWriterBusyError(TimeoutError):
    """A SQLite writer waited longer than the busy timeout for its turn in this process.

    A ``TimeoutError`` (so an ``OSError``): callers that retry a busy store retry this.
    """


_WRITER_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)
"""One lock per event loop and database: a lock may only be awaited on its own loop."""

_HOLDING: ContextVar[tuple[tuple[str, asyncio.Task[Any] | None], ...]] = ContextVar(
    "healthbridge_store_writer_turns", default=()
)
"""The (database, task) turns held in this context; a child task inherits, but is not it."""


class SQLiteStoreEngine(AsyncEngine):
    """An ``AsyncEngine`` whose ``begin()`` serialises writers (see the module docstring)."""

    def __init__(self, sync_engine: Engine, *, database_key: str) -> None:
        super().__init__(sync_engine)
        self.database_key = database_key

    def execution_options(self, **opt: Any) -> SQLiteStoreEngine:
        """Like ``AsyncEngine.execution_options``, sharing this engine's writer turn."""
        return SQLiteStoreEngine(
            self.sync_engine.execution_options(**opt), database_key=self.database_key
        )

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a write transaction, once this process's writer turn is ours."""
        task = asyncio.current_task()
        held = _HOLDING.get()
        if (self.database_key, task) in held:
            async with super().begin() as connection:  # nested: see the module docstring
                yield connection
            return
        turn = _writer_turn(self.database_key)
        try:
            async with asyncio.timeout(SQLITE_BUSY_TIMEOUT_MS / 1000):
                await turn.acquire()
        except TimeoutError:
            raise StoreWriterBusyError(
                "the store's SQLite writer turn was not free within the busy timeout"
            ) from None
        token = _HOLDING.set((*held, (self.database_key, task)))
        try:
            async with super().begin() as connection:
                await begin_immediate(connection)
                yield connection
        finally:
            _HOLDING.reset(token)
            turn.release()


async def begin_immediate(connection: AsyncConnection) -> None:
    """``BEGIN IMMEDIATE`` on a SQLite connection, waiting out another process's writer.

    Raises ``StoreWriterBusyError`` after ``SQLITE_BUSY_TIMEOUT_MS``. The waits are
    asyncio sleeps, doubling from 1 ms to 50 ms, so the loop keeps running meanwhile.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if not _is_locked(exc):
                raise
            if loop.time() >= deadline:
                raise StoreWriterBusyError(
                    "another process held the store's SQLite write lock past the busy timeout"
                ) from None
        else:
            return
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.05)


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def _writer_turn(database_key: str) -> asyncio.Lock:
    turns = _WRITER_TURNS.setdefault(asyncio.get_running_loop(), {})
    return turns.setdefault(database_key, asyncio.Lock())


def _sqlite_engine(url: URL, *, echo: bool) -> AsyncEngine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict[str, Any] = {"echo": echo}
    if in_memory:
        # One shared connection: every new connection to :memory: would be a new, empty database.
        options["poolclass"] = StaticPool
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    sync_engine = create_async_engine(url.set(drivername=INLINE_DRIVER), **options).sync_engine
    event.listen(sync_engine, "connect", _sqlite_pragmas)
    # Engines on one file share the turn; each in-memory database is its own.
    key = f"memory:{id(sync_engine)}" if in_memory else str(Path(database).expanduser().resolve())
    return SQLiteStoreEngine(sync_engine, database_key=key)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL takes a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_STALL_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()
