"""A hub killed with SIGKILL takes its embedded nats-server with it (no orphan, no lock)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import asyncio, sys
from pathlib import Path
from healthbridge.events.server import start_embedded_server

async def main():
    server = await start_embedded_server(Path(sys.argv[1]))
    print("PID", server.pid, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split()[2] != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux only")
async def test_the_embedded_server_stops_when_the_hub_is_killed(tmp_path: Path):
    hub = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCRIPT, str(tmp_path / "nats"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        line = b""
        while not line.startswith(b"PID "):
            line = await asyncio.wait_for(hub.stdout.readline(), 15)
            assert line, "the hub exited before starting its server"
        server_pid = int(line.split()[1])
        assert _alive(server_pid)

        hub.send_signal(signal.SIGKILL)
        await hub.wait()

        deadline = time.monotonic() + 10
        while _alive(server_pid):
            assert time.monotonic() < deadline, "nats-server outlived the hub"
            await asyncio.sleep(0.05)
    finally:
        if hub.returncode is None:
            hub.kill()
            await hub.wait()
