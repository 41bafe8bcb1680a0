"""Bring a store up to the newest schema from code: no alembic.ini, safe to run at every start.

Every process role (gateway, worker, CLI) calls ``upgrade`` on start, so two of them often
start at once. The migration therefore runs inside one transaction that first takes a
lock: a PostgreSQL advisory lock, or SQLite's write lock (``BEGIN IMMEDIATE``). The second
process waits, then finds the schema at head and does nothing.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_STALL_MS, create_store_engine

MIGRATION_LOCK_KEY = 0x4842_5354_4F52_45
"""The PostgreSQL advisory lock id that serialises migrations ("HBSTORE")."""


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations shipped inside this package."""
    config = Config()
    location = files("healthbridge.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no store migrations found")
    return head


async def upgrade(url: str) -> None:
    """Migrate the store at ``url`` to head; a no-op when it is already there.

    Safe when several processes call it at the same moment (they take turns under a lock).
    """
    engine = create_store_engine(url)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


async def upgrade_engine(engine: AsyncEngine) -> None:
    """Like ``upgrade``, on an engine the caller owns."""
    async with engine.connect() as connection:
        await connection.run_sync(_upgrade_locked)
        await connection.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the store is at, or None for an empty database."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade_locked(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    else:
        # The driver leaves DDL outside transactions unless one is open; BEGIN IMMEDIATE
        # opens it and takes the write lock now, so a second process waits here. This
        # runs once at start-up, so the wait may hold up the loop: the long busy timeout
        # is set for it alone (the connection goes back to the short one after).
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_STALL_MS}")
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
