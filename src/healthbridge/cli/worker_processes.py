"""``serve --delivery-workers N``: ``healthbridge worker`` processes started and kept by serve.

Each worker gets serve's environment plus where the hub's state is (data folder, store
URL, the NATS server the hub is connected to), so it finds the same store and stream.
A worker that exits while serve runs is started again after a pause; when serve stops,
each gets SIGTERM (it finishes the POSTs in flight and records them) and is killed if it
has not exited within the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import structlog

from healthbridge.core import HealthbridgeError, Settings

log = structlog.get_logger(__name__)

READY_WITHIN_SECONDS = 60.0
RESTART_PAUSE_SECONDS = 1.0
STOP_GRACE_SECONDS = 15.0


class WorkerStartError(HealthbridgeError):
    code = "cli.worker_start"


def worker_environment(settings: Settings, events_url: str) -> dict[str, str]:
    """serve's environment, pointed at this hub's data folder, store and NATS server."""
    return {
        **os.environ,
        "HEALTHBRIDGE_DATA_DIR": str(settings.data_dir.resolve()),
        "HEALTHBRIDGE_STORE__URL": settings.store_url(),
        "HEALTHBRIDGE_EVENTS__URL": events_url,
    }


async def _start(environment: Mapping[str, str]) -> asyncio.subprocess.Process:
    """One ``healthbridge worker`` process, once it says it is delivering."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "healthbridge.cli", "worker",
        env=dict(environment), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        async with asyncio.timeout(READY_WITHIN_SECONDS):
            await _ready(process)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    return process


async def _ready(process: asyncio.subprocess.Process) -> None:
    """Until the worker prints that it delivers; WorkerStartError if it exits first."""
    assert process.stdout is not None
    while b"delivering" not in (line := await process.stdout.readline()):
        if not line:
            raise WorkerStartError(
                "a delivery worker exited while starting: run `healthbridge worker` alone "
                "to see why"
            )


async def _forward(process: asyncio.subprocess.Process) -> None:
    """Pass a worker's output on to serve's, so its log lines are not lost (nor its pipe full)."""
    assert process.stdout is not None
    while line := await process.stdout.readline():
        sys.stderr.buffer.write(line)
        sys.stderr.flush()


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


async def _keep(first: asyncio.subprocess.Process, environment: Mapping[str, str]) -> None:
    """Forward a worker's output; start it again whenever it exits, until cancelled."""
    process = first
    try:
        while True:
            await _forward(process)
            code = await process.wait()
            log.warning("delivery_worker_exited", pid=process.pid, exit_code=code)
            await asyncio.sleep(RESTART_PAUSE_SECONDS)
            try:
                process = await _start(environment)
            except WorkerStartError:
                continue
            log.warning("delivery_worker_restarted", pid=process.pid)
    finally:
        await asyncio.shield(_stop(process))


@asynccontextmanager
async def delivery_workers(
    count: int, settings: Settings, events_url: str
) -> AsyncIterator[list[int]]:
    """``count`` worker processes for the block's duration; yields their first pids."""
    environment = worker_environment(settings, events_url)
    started = [await _start(environment) for _ in range(count)]
    keepers = [asyncio.create_task(_keep(process, environment)) for process in started]
    try:
        yield [process.pid for process in started]
    finally:
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)
