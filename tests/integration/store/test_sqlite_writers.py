"""SQLite writers of one process take turns: no "database is locked", no lost write."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from healthbridge.store import create_store_engine
from healthbridge.store import engine as store_engine
from healthbridge.store.engine import SQLiteStoreEngine, StoreWriterBusyError


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


HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE counter SET n = n + 100")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


async def hold_write_lock(path: Path, seconds: float) -> asyncio.subprocess.Process:
    """Another process that holds the file's write lock for ``seconds``, once it says so."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, str(path), str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert holder.stdout is not None
    assert await asyncio.wait_for(holder.stdout.readline(), 10) == b"locked\n"
    return holder


async def loop_gaps(stop: asyncio.Event) -> float:
    """The longest time the loop went without running this task, until ``stop``."""
    longest, last = 0.0, time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest


async def test_statements_run_in_the_loop_thread_without_a_driver_thread(tmp_path: Path):
    engine = create_store_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        before = threading.active_count()
        await make_counter(engine)
        await asyncio.gather(*(bump(engine) for _ in range(20)))

        assert engine.dialect.driver == "hbinline"
        assert threading.active_count() == before  # aiosqlite starts one thread per connection
    finally:
        await engine.dispose()


async def test_a_writer_waits_out_another_process_without_holding_up_the_loop(tmp_path: Path):
    path = tmp_path / "store.db"
    engine = create_store_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await make_counter(engine)
        holder = await hold_write_lock(path, 0.6)
        stop = asyncio.Event()
        gaps = asyncio.create_task(loop_gaps(stop))
        started = time.perf_counter()

        await bump(engine)

        waited = time.perf_counter() - started
        stop.set()
        assert await holder.wait() == 0
        assert waited >= 0.3  # it did wait for the other process's commit ...
        assert await gaps < 0.1  # ... while the loop went on running other tasks
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 101
    finally:
        await engine.dispose()


async def test_a_writer_gives_up_with_a_clear_error_after_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "store.db"
    engine = create_store_engine(f"sqlite+aiosqlite:///{path}")
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
    try:
        await make_counter(engine)
        holder = await hold_write_lock(path, 3)

        with pytest.raises(StoreWriterBusyError, match="another process held"):
            await bump(engine)

        assert await holder.wait() == 0
        await bump(engine)  # the connection is usable once the lock is free
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT n FROM counter"))).scalar_one() == 101
    finally:
        await engine.dispose()
