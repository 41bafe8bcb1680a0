"""``healthbridge serve --delivery-workers 1``: webhooks go out from a worker process it keeps.

A real ``serve`` process (embedded Odoo sandbox, embedded NATS, SQLite under a temporary
data folder) starts one ``healthbridge worker``. An endpoint registered beforehand gets
the events of the sandbox's first capture; a worker killed with SIGKILL is started again;
every attempt in the delivery log names a worker's pid, none serve's; Ctrl-C stops serve
and its worker.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from sqlalchemy import text
from standardwebhooks import Webhook

from healthbridge.core import load_settings
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store import create_store_engine, upgrade
from healthbridge.webhooks import open_webhooks

LISTENING = re.compile(rb"hub listening on (http://[0-9.]+:\d+).*worker pids \[(\d+)\]")


RESTARTED = re.compile(rb"delivery_worker_restarted\S*\s+pid=(\d+)")


async def collect(stream: asyncio.StreamReader, into: list[bytes]) -> None:
    while line := await stream.readline():
        into.append(line)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_serve_delivers_webhooks_from_the_worker_it_starts_and_stops(tmp_path: Path):
    settings = load_settings(data_dir=tmp_path)
    await upgrade(settings.store_url())
    engine = create_store_engine(settings.store_url())
    environment = {**os.environ, "HEALTHBRIDGE_DATA_DIR": str(tmp_path), "COLUMNS": "300"}
    try:
        async with WebhookReceiver() as receiver:
            async with open_webhooks(settings.webhooks, engine, dispatch=False) as area:
                endpoint = await area.registry.add("crm", receiver.url, ["org.healthbridge.*"])
            serve = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "healthbridge.cli", "serve", "--port", "0",
                "--delivery-workers", "1",
                cwd=tmp_path, env=environment,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            assert serve.stdout is not None
            try:
                async with asyncio.timeout(90):
                    while not (found := LISTENING.search(line := await serve.stdout.readline())):
                        assert line, "serve exited before listening"
                worker = int(found.group(2))
                output: list[bytes] = []
                reading = asyncio.create_task(collect(serve.stdout, output))

                await receiver.wait_for(3, within=60)

                assert alive(worker)
                os.kill(worker, signal.SIGKILL)  # serve starts another one
                async with asyncio.timeout(60):
                    while not (restarted := RESTARTED.search(b"".join(output))):  # noqa: ASYNC110 - the output is the signal
                        await asyncio.sleep(0.1)
                replacement = int(restarted.group(1))
                assert alive(replacement)
            finally:
                serve.send_signal(signal.SIGINT)
                exit_code = await asyncio.wait_for(serve.wait(), 60)
        async with engine.connect() as connection:
            workers = set(
                (await connection.execute(text("SELECT worker FROM webhook_attempts")))
                .scalars()
                .all()
            )
    finally:
        await engine.dispose()

    assert exit_code in (0, 130)  # stopped by Ctrl-C
    await reading
    assert not alive(replacement)
    assert workers
    assert {name.rsplit(":", 1)[1] for name in workers} <= {str(worker), str(replacement)}
    for delivery in receiver.received:
        payload = Webhook(endpoint.secret).verify(delivery.body, delivery.headers)
        assert payload["type"].startswith("org.healthbridge.")
