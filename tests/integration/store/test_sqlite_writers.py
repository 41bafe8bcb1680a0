"""SQLite writers of one process take turns: no "database is locked", no lost write."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from healthbridge.store import create_store_engine
from healthbridge.store.engine import SQLiteStoreEngine


async def make_counter(engine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        await connection.execute(text("INSERT INTO counter VALUES (0)"))


async def bump(engine) -> None:
    """A read-then-write transaction that yields to the loop in the middle."""
    async with engine.begin() as connection:
        value = (await connection.execute(text("SELECT n FROM counter"))).scalar_one()
        await asyncio.sleep(0)  # another writer's turn would come here without the lock
        await connection.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})


async def test_interleaved_read_then_write_transactions_all_commit(tmp_path: Path):
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        assert isinstance(engine, SQLiteStoreEngine)
        await make_counter(engine)

        await asyncio.gather(*(bump(engine) for _ in range(60)))

        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 60
    finally:
        await engine.dispose()


async def test_two_engines_on_one_file_share_the_turn(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
    engines = [create_store_engine(url) for _ in range(2)]
    try:
        await make_counter(engines[0])

        await asyncio.gather(*(bump(engines[i % 2]) for i in range(40)))

        async with engines[1].connect() as connection:
            assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 40
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_writer_opening_a_second_transaction_does_not_wait_for_itself(tmp_path: Path):
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        await make_counter(engine)
        async with asyncio.timeout(5), engine.begin() as outer:
            await outer.execute(text("UPDATE counter SET n = 1"))
            async with engine.begin() as inner:  # reads beside the outer writer
                seen = (await inner.execute(text("SELECT n FROM counter"))).scalar_one()

        assert seen == 0  # the outer write was not committed yet
    finally:
        await engine.dispose()


async def test_readers_do_not_wait_for_a_writer(tmp_path: Path):
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        await make_counter(engine)
        async with engine.begin() as writer:
            await writer.execute(text("UPDATE counter SET n = 5"))
            async with asyncio.timeout(2), engine.connect() as reader:
                value = (await reader.execute(text("SELECT n FROM counter"))).scalar_one()

        assert value == 0
    finally:
        await engine.dispose()
