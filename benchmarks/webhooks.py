"""Webhook figures: raw signed POSTs with aiohttp, and the delivery pipeline end to end.

Run: ``python benchmarks/webhooks.py`` (about thirty seconds on two cores). A receiver
runs in a separate process (aiohttp, answers 204 and counts distinct ``webhook-id``s),
so the client side has its own core. Measured in one run:

- raw: signed Standard Webhooks POSTs at 64 concurrent through one aiohttp session,
  requests/s for ``--seconds`` (default 5);
- pipeline: ``accept`` of ``--events`` CloudEvents (default 5,000) in batches of 1,000
  (deliveries/s persisted), then the dispatcher until every one is delivered: end to end
  accepted -> delivered events/s, on SQLite by default or ``--store-url`` (PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import structlog
from aiohttp import web
from rich.console import Console
from rich.table import Table

from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.store import create_store_engine, upgrade
from healthbridge.webhooks import generate_secret, open_webhooks
from healthbridge.webhooks.signing import secret_key, signature_header

STOCK = "org.healthbridge.stock.level-changed.v1"
CONCURRENCY = 64


def serve(port: int) -> None:
    """The receiver process: 204 to every POST, distinct ids on GET /count."""
    seen: set[str] = set()

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        seen.add(request.headers.get("webhook-id", ""))
        return web.Response(status=204)

    async def count(_: web.Request) -> web.Response:
        return web.json_response({"distinct": len(seen)})

    async def reset(_: web.Request) -> web.Response:
        seen.clear()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hooks", hook)
    app.router.add_get("/count", count)
    app.router.add_post("/reset", reset)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url + "/count"):
                    return
            await asyncio.sleep(0.05)
    raise SystemExit("the receiver did not start")


async def raw_posts(url: str, seconds: float) -> float:
    key = secret_key(generate_secret())
    body = json.dumps({"type": STOCK, "data": {"id": "x", "link": "https://hub/x"}}).encode()
    done = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(number: int) -> None:
            nonlocal done
            sequence = 0
            while time.perf_counter() < deadline:
                message_id = f"raw-{number}-{sequence}"
                stamp = int(time.time())
                headers = {
                    "webhook-id": message_id,
                    "webhook-timestamp": str(stamp),
                    "webhook-signature": signature_header([key], message_id, stamp, body),
                    "content-type": "application/json",
                }
                async with session.post(url + "/hooks", data=body, headers=headers) as response:
                    await response.read()
                done += 1
                sequence += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(CONCURRENCY)))
        return done / (time.perf_counter() - started)


def event(number: int) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": f"bench-{number:07d}",
        "source": "urn:healthbridge:bench",
        "type": STOCK,
        "subject": f"quant-{number % 500}",
        "time": "2026-11-24T10:00:00Z",
        "data": {"quantity": number},
    }


async def pipeline(url: str, store_url: str, events: int, limit: float) -> tuple[float, float]:
    await upgrade(store_url)
    engine = create_store_engine(store_url)
    settings = WebhooksSettings(poll_interval_seconds=0.05, max_in_flight_per_endpoint=CONCURRENCY)
    try:
        async with open_webhooks(settings, engine) as area, aiohttp.ClientSession() as session:
            await area.registry.add("bench", url + "/hooks", [STOCK])
            async with session.post(url + "/reset") as response:
                assert response.status == 204
            started = time.perf_counter()
            for first in range(0, events, 1000):
                await area.accept([event(n) for n in range(first, min(first + 1000, events))])
            accepted = time.perf_counter()
            deadline = started + limit
            while time.perf_counter() < deadline:
                async with session.get(url + "/count") as response:
                    if (await response.json())["distinct"] >= events:
                        break
                await asyncio.sleep(0.02)
            else:
                raise SystemExit(f"not every event was delivered within {limit} s")
            finished = time.perf_counter()
    finally:
        await engine.dispose()
    return events / (accepted - started), events / (finished - started)


async def main(arguments: argparse.Namespace) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    port = free_port()
    receiver = subprocess.Popen(  # noqa: ASYNC220 - started once, before any measurement
        [sys.executable, __file__, "--serve", str(port)]
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_up(url)
        raw = await raw_posts(url, arguments.seconds)
        with tempfile.TemporaryDirectory() as folder:
            store_url = arguments.store_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            accept_rate, end_to_end = await pipeline(url, store_url, arguments.events, 120)
    finally:
        receiver.terminate()
        receiver.wait(10)
    backend = "postgresql" if arguments.store_url else "sqlite"
    table = Table("measure", "per second", title="webhooks (receiver in its own process)")
    table.add_row(f"raw signed POSTs, aiohttp, {CONCURRENCY} concurrent", f"{raw:,.0f}")
    table.add_row(f"accept -> deliveries persisted ({backend})", f"{accept_rate:,.0f}")
    table.add_row(
        f"accept -> delivered end to end ({backend}, {arguments.events:,})", f"{end_to_end:,.0f}"
    )
    Console().print(table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="Length of the raw phase.")
    parser.add_argument("--events", type=int, default=5000, help="Events through the pipeline.")
    parser.add_argument("--store-url", default=None, help="Store URL (default: temporary SQLite).")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.serve is not None:
        serve(parsed.serve)
    else:
        asyncio.run(main(parsed))
