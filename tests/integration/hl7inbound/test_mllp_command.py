"""``healthbridge mllp`` as a real process: an ADT over MLLP is applied and stored sealed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from healthbridge.connectors.hl7v2 import MllpSender

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listening(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The command on a free port with its own data directory; stopped with Ctrl-C."""
    port = _free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("HEALTHBRIDGE_")
    }
    environment |= {"HEALTHBRIDGE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    process = subprocess.Popen(
        [sys.executable, "-m", "healthbridge.cli", "mllp", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if "MLLP listening" in line:
                break
            assert line or process.poll() is None, "the command exited before listening"
        else:
            pytest.fail("the command did not start listening in time")
        yield port, tmp_path
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_an_admission_over_mllp_is_acknowledged_and_kept_only_as_ciphertext(
    listening: tuple[int, Path], hl7_file
) -> None:
    port, data_dir = listening
    raw = hl7_file("adt_a01_01.hl7")

    async def send() -> bytes:
        async with MllpSender("127.0.0.1", port, timeout_seconds=30) as sender:
            return await sender.send(raw)

    ack = asyncio.run(send())

    assert b"MSA|AA|MSG00001" in ack
    [store] = [p for p in data_dir.glob("*.db") if p.name != "dbos.sqlite"] or [None]
    assert store is not None, sorted(p.name for p in data_dir.iterdir())
    with sqlite3.connect(store) as connection:
        [(column,)] = connection.execute("SELECT raw FROM hl7_messages").fetchall()
    assert bytes(column).startswith(b"hbenc:v1:local:")
    assert b"EVERYMAN" not in bytes(column)
    assert (data_dir / "keys" / "local.key").is_file()
