"""Store fixtures: a migrated store on SQLite and, when configured, on PostgreSQL.

Tests that take ``store_url`` (or ``store_engine``) run once per backend. SQLite is a
fresh file in the test's tmp folder. PostgreSQL runs only when
``HEALTHBRIDGE_TEST_POSTGRES_URL`` names a server (e.g.
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); each test gets a database of its
own, created from that URL's server and dropped afterwards, so parallel xdist workers
never see each other's rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.store import create_store_engine, upgrade
from healthbridge.store import migrate as migrate_module

POSTGRES_ENV = "HEALTHBRIDGE_TEST_POSTGRES_URL"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def postgres_server_url() -> str | None:
    """The PostgreSQL URL tests may use, or None when none is configured."""
    return os.environ.get(POSTGRES_ENV) or None


async def _admin_connect(server_url: str) -> asyncpg.Connection:
    url = make_url(server_url)
    return await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )


async def _fresh_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{(tmp_path / 'store.db').as_posix()}"
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_ENV} (e.g. {_EXAMPLE})")
    name = f"hb_test_{uuid.uuid4().hex[:16]}"
    admin = await _admin_connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await _admin_connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


_EXAMPLE = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=BACKENDS)
async def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of an empty, unmigrated store on each backend (for migration tests)."""
    async for url in _fresh_url(request.param, tmp_path):
        yield url


@pytest.fixture(params=BACKENDS)
async def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A URL of a store migrated to head, on SQLite and (when configured) PostgreSQL.

    Each test gets its own store, copied from a template migrated once (a file for
    SQLite, a template database for PostgreSQL): running every migration per test made
    store setup the slowest part of the suite.
    """
    if request.param == "sqlite":
        template = await _sqlite_template(tmp_path_factory)
        target = tmp_path / "store.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target.as_posix()}"
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_ENV} (e.g. {_EXAMPLE})")
    template = await _postgres_template(server)
    name = f"hb_test_{uuid.uuid4().hex[:16]}"
    admin = await _admin_connect(server)
    try:
        for attempt in range(20):
            try:
                await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                break
            except asyncpg.ObjectInUseError:  # another worker is copying it right now
                await asyncio.sleep(0.05 * (attempt + 1))
        else:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await _admin_connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def _migrations_digest() -> str:
    """A digest of every migration, so a template is rebuilt when a migration changes."""
    folder = Path(migrate_module.__file__).parent / "migrations" / "versions"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_sqlite_templates: dict[str, Path] = {}


async def _sqlite_template(factory: pytest.TempPathFactory) -> Path:
    key = _migrations_digest()
    if key not in _sqlite_templates:
        path = factory.mktemp("store-template") / "template.db"
        await upgrade(f"sqlite+aiosqlite:///{path.as_posix()}")
        _sqlite_templates[key] = path
    return _sqlite_templates[key]


async def _postgres_template(server: str) -> str:
    """The name of a migrated template database, made once per migration set and server."""
    name = f"hb_template_{_migrations_digest()}"
    admin = await _admin_connect(server)
    try:
        # One xdist worker builds it; the others wait on the lock, then find it built.
        await admin.execute("SELECT pg_advisory_lock(hashtext('healthbridge-test-template'))")
        try:
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                building = f"{name}_building"
                await admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                await admin.execute(f'CREATE DATABASE "{building}"')
                await upgrade(make_url(server).set(database=building).render_as_string(False))
                await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        finally:
            await admin.execute("SELECT pg_advisory_unlock(hashtext('healthbridge-test-template'))")
    finally:
        await admin.close()
    return name


@pytest.fixture
async def store_engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated ``store_url``, disposed after the test."""
    engine = create_store_engine(store_url)
    try:
        yield engine
    finally:
        await engine.dispose()
