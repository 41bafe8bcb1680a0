"""The embedded store's cost per transaction: SQLite in the loop's thread vs aiosqlite.

Run: ``python benchmarks/store.py`` (about ten seconds). Every figure is measured in one
run on fresh SQLite files with the store's pragmas (WAL, ``synchronous = NORMAL``):

- the store's engine (``create_store_engine``: statements in the event loop's thread,
  writers taking turns, ``BEGIN IMMEDIATE``), a write transaction of one and of three
  statements, a 100-row ``executemany`` insert, and a one-row read;
- the same through SQLAlchemy's own ``sqlite+aiosqlite`` dialect (a worker thread per
  connection: the driver the store used before), the baseline;
- raw ``sqlite3`` with no SQLAlchemy and no asyncio: what SQLite itself costs.

While the transactions run, a task that wakes every millisecond records the longest
time the loop went without it (the engine runs statements in the loop's thread, so
this is what other tasks wait at most). ``--transactions`` sets the count per figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from healthbridge.store import create_store_engine

SCHEMA = "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, at TEXT)"
ROWS = [{"v": n, "at": "2026-11-25 10:00:00"} for n in range(100)]


def aiosqlite_engine(path: Path) -> AsyncEngine:
    """SQLAlchemy's aiosqlite dialect with the store's pragmas (the old driver)."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")

    def pragmas(connection: object, _record: object) -> None:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    event.listen(engine.sync_engine, "connect", pragmas)
    return engine


async def prepare(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(SCHEMA))
        await connection.execute(text("INSERT INTO t (id, v) VALUES (1, 0)"))


def workloads(engine: AsyncEngine, immediate: bool) -> dict[str, Callable[[], Awaitable[None]]]:
    """One unit of each measured kind of work on ``engine``."""

    async def write(statements: int) -> None:
        async with engine.begin() as connection:
            if immediate:  # the store's engine does this itself
                await connection.exec_driver_sql("BEGIN IMMEDIATE")
            for _ in range(statements):
                await connection.execute(text("UPDATE t SET v = v + 1 WHERE id = 1"))

    async def insert_many() -> None:
        async with engine.begin() as connection:
            if immediate:
                await connection.exec_driver_sql("BEGIN IMMEDIATE")
            await connection.execute(text("INSERT INTO t (v, at) VALUES (:v, :at)"), ROWS)

    async def read() -> None:
        async with engine.connect() as connection:
            (await connection.execute(text("SELECT v FROM t WHERE id = 1"))).all()

    return {
        "write, 1 statement": lambda: write(1),
        "write, 3 statements": lambda: write(3),
        "insert 100 rows (executemany)": insert_many,
        "read 1 row": read,
    }


@contextlib.asynccontextmanager
async def loop_watch() -> AsyncIterator[list[float]]:
    """The longest gap (ms) between a 1 ms ticker's wake-ups while the block runs."""
    longest = [0.0]
    stop = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest[0] = max(longest[0], (now - last) * 1000)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        yield longest
    finally:
        stop.set()
        await ticker


async def measure(
    engine: AsyncEngine, immediate: bool, count: int
) -> dict[str, tuple[float, float]]:
    """Per workload: µs per transaction and the longest loop stall (ms) meanwhile."""
    await prepare(engine)
    found = {}
    for name, work in workloads(engine, immediate).items():
        for _ in range(50):  # warm: connections, statement cache
            await work()
        async with loop_watch() as stall:
            started = time.perf_counter()
            for _ in range(count):
                await work()
            took = time.perf_counter() - started
        found[name] = (took / count * 1e6, stall[0])
    await engine.dispose()
    return found


def raw_sqlite(path: Path, count: int) -> dict[str, float]:
    """µs per transaction with the standard library alone, no asyncio."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(SCHEMA)
    db.execute("INSERT INTO t (id, v) VALUES (1, 0)")
    rows = [(r["v"], r["at"]) for r in ROWS]

    def write(statements: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        for _ in range(statements):
            db.execute("UPDATE t SET v = v + 1 WHERE id = 1")
        db.execute("COMMIT")

    def insert_many() -> None:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO t (v, at) VALUES (?, ?)", rows)
        db.execute("COMMIT")

    def read() -> None:
        db.execute("SELECT v FROM t WHERE id = 1").fetchall()

    units: dict[str, Callable[[], None]] = {
        "write, 1 statement": lambda: write(1),
        "write, 3 statements": lambda: write(3),
        "insert 100 rows (executemany)": insert_many,
        "read 1 row": read,
    }
    found = {}
    for name, work in units.items():
        started = time.perf_counter()
        for _ in range(count):
            work()
        found[name] = (time.perf_counter() - started) / count * 1e6
    db.close()
    return found


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        store = await measure(
            create_store_engine(f"sqlite+aiosqlite:///{here / 'store.db'}"), False, count
        )
        baseline = await measure(aiosqlite_engine(here / "baseline.db"), True, count)
        raw = raw_sqlite(here / "raw.db", count)
    table = Table(
        "transaction",
        "store engine µs",
        "aiosqlite µs (baseline)",
        "speed-up",
        "raw sqlite3 µs",
        "longest loop stall ms (store / aiosqlite)",
        title=f"embedded store, {count:,} transactions per figure",
    )
    for name, (ours, stall) in store.items():
        theirs, their_stall = baseline[name]
        table.add_row(
            name,
            f"{ours:,.0f}",
            f"{theirs:,.0f}",
            f"{theirs / ours:.1f}x",
            f"{raw[name]:,.0f}",
            f"{stall:.1f} / {their_stall:.1f}",
        )
    Console().print(table)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transactions", type=int, default=2_000, help="Per figure.")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(arguments().transactions))
