"""Migrations run from code, are idempotent, survive concurrent starts and match the schema."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from healthbridge.store import create_store_engine, current_revision, head_revision, upgrade
from healthbridge.store.tables import metadata

UPGRADE_SCRIPT = (
    "import asyncio, sys; from healthbridge.store import upgrade; asyncio.run(upgrade(sys.argv[1]))"
)


async def tables(url):
    engine = create_store_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
            versions = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
        return names, [row[0] for row in versions]
    finally:
        await engine.dispose()


class TestMigrations:
    async def test_upgrading_an_empty_store_reaches_head(self, empty_store_url):
        await upgrade(empty_store_url)

        names, versions = await tables(empty_store_url)
        assert {"odoo_changes", "capture_watermarks", "alembic_version"} <= names
        assert versions == [head_revision()]

    async def test_upgrading_twice_changes_nothing(self, empty_store_url):
        await upgrade(empty_store_url)
        await upgrade(empty_store_url)

        _, versions = await tables(empty_store_url)
        assert versions == [head_revision()]

    async def test_concurrent_upgrades_in_one_process_take_turns(self, empty_store_url):
        await asyncio.gather(*(upgrade(empty_store_url) for _ in range(4)))

        _, versions = await tables(empty_store_url)
        assert versions == [head_revision()]

    async def test_two_processes_starting_at_once_both_succeed(self, empty_store_url):
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                UPGRADE_SCRIPT,
                empty_store_url,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        results = [await asyncio.wait_for(p.communicate(), 60) for p in processes]

        assert [p.returncode for p in processes] == [0, 0], [err for _, err in results]
        _, versions = await tables(empty_store_url)
        assert versions == [head_revision()]

    async def test_the_migrated_schema_matches_the_table_definitions(self, store_url):
        engine = create_store_engine(store_url)
        try:
            async with engine.connect() as connection:
                differences = await connection.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c), metadata)
                )
            assert await current_revision(engine) == head_revision()
        finally:
            await engine.dispose()

        assert differences == []
