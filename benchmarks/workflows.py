"""Durable workflow overhead: starts/s and per-step cost, next to a plain function call.

Run: ``python benchmarks/workflows.py`` (``--runs 300``, ``--steps 10``,
``--postgres postgresql://postgres@127.0.0.1:5432/postgres`` to add a PostgreSQL system
database; a fresh database is created and dropped). It launches DBOS with the same
configuration the hub uses (``healthbridge.workflows.runtime.dbos_config``) on a fresh
SQLite file, then measures in one process and one run:

- ``plain call``: an async function calling ``--steps`` trivial async functions (the yardstick);
- ``workflow, 0 steps``: start a durable workflow and await its result, one after another
  (sequential starts/s: each start records the run's input and its outcome);
- ``workflow, N steps``: the same with ``--steps`` trivial steps; per-step overhead is
  ``(t(N steps) - t(0 steps)) / N``;
- ``concurrent starts``: ``--runs`` workflows started at once, awaited together.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from dbos import DBOS, SetWorkflowID
from rich.console import Console
from rich.table import Table

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.workflows.runtime import dbos_config

STEPS = 10


async def plain_step(value: int) -> int:
    return value + 1


async def plain_flow(steps: int) -> int:
    value = 0
    for _ in range(steps):
        value = await plain_step(value)
    return value


@DBOS.step(name="bench_step")
async def bench_step(value: int) -> int:
    return value + 1


@DBOS.workflow(name="bench_flow")
async def bench_flow(steps: int) -> int:
    value = 0
    for _ in range(steps):
        value = await bench_step(value)
    return value


async def _timed(runs: int, once: Callable[[], Awaitable[object]]) -> float:
    """Seconds per call, sequentially."""
    started = time.perf_counter()
    for _ in range(runs):
        await once()
    return (time.perf_counter() - started) / runs


async def _start_and_wait(steps: int) -> int:
    with SetWorkflowID(uuid.uuid4().hex):
        handle = await DBOS.start_workflow_async(bench_flow, steps)
    return await handle.get_result()


async def _concurrent(runs: int) -> float:
    started = time.perf_counter()
    handles = []
    for _ in range(runs):
        with SetWorkflowID(uuid.uuid4().hex):
            handles.append(await DBOS.start_workflow_async(bench_flow, 1))
    await asyncio.gather(*(h.get_result() for h in handles))
    return runs / (time.perf_counter() - started)


async def measure(url: str, runs: int, steps: int, data_dir: Path) -> dict[str, float]:
    """Launch DBOS on ``url`` and return the figures."""
    settings = WorkflowsSettings(system_database_url=url, executor_id="bench")
    DBOS(config=dbos_config(settings, data_dir))
    DBOS.launch()
    try:
        await _timed(20, lambda: _start_and_wait(steps))  # warm up
        plain = await _timed(runs * 50, lambda: plain_flow(steps))
        empty = await _timed(runs, lambda: _start_and_wait(0))
        stepped = await _timed(runs, lambda: _start_and_wait(steps))
        concurrent = await _concurrent(runs)
    finally:
        DBOS.destroy()
    return {
        "plain_us": plain * 1e6,
        "empty_ms": empty * 1e3,
        "starts_per_s": 1 / empty,
        "stepped_ms": stepped * 1e3,
        "per_step_ms": (stepped - empty) / steps * 1e3,
        "concurrent_per_s": concurrent,
    }


def _postgres_database(server: str) -> tuple[str, Callable[[], None]]:
    import sqlalchemy as sa  # noqa: PLC0415 - only with --postgres

    name = f"hb_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return sa.make_url(server).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--postgres", default=None, help="postgresql:// server URL (optional)")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder, 'dbos.sqlite').as_posix()}"
        results["SQLite"] = asyncio.run(measure(sqlite, args.runs, args.steps, Path(folder)))
        if args.postgres:
            url, drop = _postgres_database(args.postgres)
            try:
                results["PostgreSQL"] = asyncio.run(
                    measure(url, args.runs, args.steps, Path(folder))
                )
            finally:
                drop()
    table = Table(
        "system DB",
        "plain call (µs)",
        "workflow 0 steps (ms)",
        "starts/s (sequential)",
        f"workflow {args.steps} steps (ms)",
        "per step (ms)",
        "starts/s (concurrent)",
        title=f"DBOS workflows vs a plain call of {args.steps} async steps ({args.runs} runs)",
    )
    for name, figures in results.items():
        table.add_row(
            name,
            f"{figures['plain_us']:.2f}",
            f"{figures['empty_ms']:.2f}",
            f"{figures['starts_per_s']:.0f}",
            f"{figures['stepped_ms']:.2f}",
            f"{figures['per_step_ms']:.3f}",
            f"{figures['concurrent_per_s']:.0f}",
        )
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
