"""The async SQLAlchemy engine for Healthbridge's own store, SQLite or PostgreSQL.

SQLite is the embedded default, so several tasks and a second process (the CLI next to a
running hub) share one file. Each connection is therefore set up for that: WAL so readers
never block the writer, a busy timeout so a writer waits for the lock instead of failing
at once, and foreign keys on because SQLite leaves them off by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from healthbridge.core.errors import ConfigError

SQLITE_BUSY_TIMEOUT_MS = 15_000
"""How long a SQLite writer waits for the lock; longer than any transaction the hub runs."""

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


def _sqlite_engine(url: URL, *, echo: bool) -> AsyncEngine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict[str, Any] = {"echo": echo}
    if in_memory:
        # One shared connection: every new connection to :memory: would be a new, empty database.
        options["poolclass"] = StaticPool
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL takes a lock another process may hold.
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()
