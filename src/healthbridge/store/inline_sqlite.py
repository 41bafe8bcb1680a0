"""SQLite for the asyncio engine, run in the event loop's own thread.

SQLAlchemy's ``aiosqlite`` driver runs every call on a worker thread and hands the
result back through the event loop: a write transaction of one statement makes about
ten such round trips, 1.4-1.9 ms here, for 15 µs of work in SQLite (WAL with
``synchronous = NORMAL``: a commit does not wait for the disk). The hub's outbound path
writes the store several times per event, so those round trips were most of its cost
and most of its latency. This module offers SQLAlchemy's ``aiosqlite`` dialect an
object with aiosqlite's interface whose coroutines call the standard library's
``sqlite3`` directly and finish without suspending: statements run where they are
awaited, in the loop's thread, and SQLAlchemy's dialect (types, reflection, errors) is
unchanged.

What makes running in the loop's thread safe here: a statement on a local file under
WAL takes microseconds to a few milliseconds; readers never wait for the writer; the
writers of one process already take turns on an asyncio lock before ``BEGIN IMMEDIATE``
(``store.engine``), and that ``BEGIN IMMEDIATE`` waits for a writer of another process
with asyncio sleeps rather than in SQLite's busy handler, so the loop is not parked
behind another process's transaction. The short busy timeout each connection keeps
covers what WAL still locks, rarely (a checkpoint, recovery of the WAL index).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Generator, Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi, SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

DRIVER = "sqlite+hbinline"
"""The drivername the store's engine gives SQLite URLs (``store.url`` still says aiosqlite)."""

__version__ = "1.0"

Error = sqlite3.Error
DatabaseError = sqlite3.DatabaseError
IntegrityError = sqlite3.IntegrityError
NotSupportedError = sqlite3.NotSupportedError
OperationalError = sqlite3.OperationalError
ProgrammingError = sqlite3.ProgrammingError
sqlite_version = sqlite3.sqlite_version
sqlite_version_info = sqlite3.sqlite_version_info


class Cursor:
    """aiosqlite's cursor interface over a ``sqlite3`` cursor, without a thread."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        self._cursor.execute(operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Iterable[Any]) -> Cursor:
        self._cursor.executemany(operation, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_: Any) -> None:
        return None


class _Now:
    """What ``connect`` returns: awaitable like aiosqlite's, with the thread it would have."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._thread = SimpleNamespace(daemon=True)  # SQLAlchemy marks aiosqlite's daemonic

    def __await__(self) -> Generator[Any, None, Connection]:
        return self._connection
        yield  # a generator, so the await completes at once with the connection


class _Immediate:
    """Stands in for aiosqlite's request queue: runs a call and settles its future now."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(exc)


class Connection:
    """aiosqlite's connection interface over a ``sqlite3`` connection, without a thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _Immediate()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def execute(self, operation: str, parameters: Sequence[Any] = ()) -> Cursor:
        return Cursor(self._conn.execute(operation, parameters))

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def connect(database: str, **options: Any) -> _Now:
    """Open ``database`` now; usable from any thread (the pool hands it out in turn)."""
    options["check_same_thread"] = False
    return _Now(Connection(sqlite3.connect(database, **options)))


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    """SQLAlchemy's aiosqlite dialect on this module instead of aiosqlite."""

    driver = "hbinline"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        return AsyncAdapt_aiosqlite_dbapi(sys.modules[__name__], sqlite3)

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool


registry.register("sqlite.hbinline", __name__, "InlineSQLiteDialect")
