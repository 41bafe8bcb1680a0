"""How much the Odoo connector costs over a bare HTTP client, measured against the sandbox.

Run: ``python benchmarks/odoo_connector.py`` (or ``make bench``). It starts the Odoo
sandbox in a subprocess twice, once with keep-alive and once answering
``Connection: close`` as Odoo's threaded server does, and for each mode sends the same
``search_read`` of 80 ``res.partner`` rows (fields name, email, write_date) at 64
concurrent requests:

- through ``OdooClient`` on each protocol (JSON-2, JSON-RPC, XML-RPC);
- as bare POSTs of the same request body with httpx's ``AsyncClient`` and with aiohttp.

Clients run in fixed batches of calls, taking turns, until a time budget per mode is
spent, so a busy machine slows every client alike. It prints calls/s, p50/p99 latency
and this process's CPU per call (the sandbox runs in its own process, so that is the
clients' cost alone), and the connector's overhead against the faster bare client on
the same protocol: the ratio of calls/s and the ratio of CPU per call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import xmlrpc.client
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.observability import configure_logging

MODEL = "res.partner"
FIELDS = ["name", "email", "write_date"]
LIMIT = 80
LOGIN = "hub-integration"
CONCURRENCY = 64
BATCH = 64
"""Calls per batch: one per worker."""
WARMUP = 16
BUDGET_SECONDS = 3.0
"""Per mode: rounds of one batch per client continue until this is spent (at least one)."""

Call = Callable[[], Awaitable[int]]
"""One request; returns how many rows came back."""


@dataclass(frozen=True)
class Sandbox:
    url: str
    database: str
    api_key: str


@dataclass(frozen=True)
class Contender:
    protocol: str
    client: str
    call: Call


@dataclass(frozen=True)
class Measurement:
    mode: str
    protocol: str
    client: str
    calls: int
    seconds: float
    cpu_seconds: float
    """CPU used by this process (the clients; the sandbox runs in its own process)."""
    latencies: list[float]
    rows: int

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_call(self) -> float:
        return self.cpu_seconds / self.calls * 1e6 if self.calls else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@asynccontextmanager
async def sandbox_process(keep_alive: bool) -> AsyncIterator[Sandbox]:
    """``python -m healthbridge.sandbox.odoo --port 0`` until the block ends."""
    args = [sys.executable, "-m", "healthbridge.sandbox.odoo", "--port", "0"]
    if keep_alive:
        args.append("--keep-alive")
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        if not line:
            assert process.stderr is not None
            log = (await process.stderr.read()).decode(errors="replace")
            raise RuntimeError(f"the sandbox did not start:\n{log}")
        described = json.loads(line)
        yield Sandbox(described["url"], described["database"], described["api_keys"][LOGIN])
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


@dataclass
class Tally:
    """What one contender did over all its batches."""

    calls: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    rows: int = 0
    latencies: list[float] = field(default_factory=list)


async def run_batch(call: Call, tally: Tally) -> None:
    """``BATCH`` calls from ``CONCURRENCY`` workers, added to ``tally``."""
    issued = 0

    async def worker() -> None:
        nonlocal issued
        while issued < BATCH:
            issued += 1
            begin = time.perf_counter()
            got = await call()  # not "tally.rows += await ...": that reads before awaiting
            tally.latencies.append(time.perf_counter() - begin)
            tally.rows += got
            tally.calls += 1

    cpu_started, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    tally.seconds += time.perf_counter() - started
    tally.cpu_seconds += time.process_time() - cpu_started


def search_read_params() -> dict[str, Any]:
    """The named arguments the connector sends for this search_read."""
    return {"domain": [], "limit": LIMIT, "fields": FIELDS}


def bare_requests(sandbox: Sandbox, uid: int) -> dict[str, tuple[str, dict[str, str], bytes]]:
    """protocol -> (path, headers, body) of the same search_read, ready to POST."""
    rpc_args: list[Any] = [sandbox.database, uid, sandbox.api_key, MODEL, "search_read", []]
    return {
        "json2": (
            f"/json/2/{MODEL}/search_read",
            {
                "Authorization": f"bearer {sandbox.api_key}",
                "X-Odoo-Database": sandbox.database,
                "Content-Type": "application/json; charset=utf-8",
            },
            json.dumps(search_read_params()).encode(),
        ),
        "jsonrpc": (
            "/jsonrpc",
            {"Content-Type": "application/json"},
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "service": "object",
                        "method": "execute_kw",
                        "args": [*rpc_args, search_read_params()],
                    },
                }
            ).encode(),
        ),
        "xmlrpc": (
            "/xmlrpc/2/object",
            {"Content-Type": "text/xml"},
            xmlrpc.client.dumps(
                (*rpc_args, search_read_params()), "execute_kw", allow_none=True
            ).encode(),
        ),
    }


def count_rows(protocol: str, status: int, body: bytes) -> int:
    if status != 200:
        raise RuntimeError(f"{protocol}: HTTP {status}")
    if protocol == "json2":
        return len(json.loads(body))
    if protocol == "jsonrpc":
        return len(json.loads(body)["result"])
    rows: list[Any] = xmlrpc.client.loads(body)[0][0]  # type: ignore[assignment]
    return len(rows)


def settings_for(sandbox: Sandbox, protocol: str) -> OdooSettings:
    return OdooSettings(
        url=sandbox.url,
        database=sandbox.database,
        login=LOGIN,
        api_key=SecretStr(sandbox.api_key),
        protocol=protocol,
        max_connections=CONCURRENCY,
    )


async def contenders(sandbox: Sandbox, stack: AsyncExitStack) -> list[Contender]:
    """Every client under test, opened on ``stack``: the connector, then the bare clients."""
    found: list[Contender] = []
    uid = 0
    for protocol in ("json2", "jsonrpc", "xmlrpc"):
        client = await stack.enter_async_context(
            await OdooClient.connect(settings_for(sandbox, protocol))
        )
        uid = client.uid

        async def through_connector(odoo: OdooClient = client) -> int:
            return len(await odoo.search_read(MODEL, [], FIELDS, limit=LIMIT))

        found.append(Contender(protocol, "connector", through_connector))

    requests = bare_requests(sandbox, uid)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    httpx_client = await stack.enter_async_context(
        httpx.AsyncClient(base_url=sandbox.url, limits=limits, timeout=30)
    )
    session = await stack.enter_async_context(
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))
    )
    for protocol, (path, headers, body) in requests.items():
        if protocol != "xmlrpc":

            async def with_httpx(
                p: str = protocol, u: str = path, h: Any = headers, b: bytes = body
            ) -> int:
                response = await httpx_client.post(u, content=b, headers=h)
                return count_rows(p, response.status_code, response.content)

            found.append(Contender(protocol, "bare httpx", with_httpx))

        async def with_aiohttp(
            p: str = protocol, u: str = path, h: Any = headers, b: bytes = body
        ) -> int:
            async with session.post(sandbox.url + u, data=b, headers=h) as response:
                return count_rows(p, response.status, await response.read())

        found.append(Contender(protocol, "bare aiohttp", with_aiohttp))
    return found


async def seed_partners(sandbox: Sandbox) -> None:
    """Like the facts' latency test, read a full 80 rows: add partners if there are fewer."""
    async with await OdooClient.connect(settings_for(sandbox, "auto")) as client:
        missing = LIMIT - await client.search_count(MODEL)
        if missing > 0:
            await client.create(MODEL, [{"name": f"Bench clinic {n}"} for n in range(missing)])


async def run_mode(keep_alive: bool) -> list[Measurement]:
    """Batches of every contender in turn until the budget is spent, so load is shared fairly."""
    mode = "keep-alive" if keep_alive else "Connection: close"
    async with sandbox_process(keep_alive) as sandbox, AsyncExitStack() as stack:
        await seed_partners(sandbox)
        lineup = await contenders(sandbox, stack)
        for contender in lineup:  # warm-up: connections, caches, code paths
            await asyncio.gather(*(contender.call() for _ in range(WARMUP)))
        tallies = {id(contender): Tally() for contender in lineup}
        deadline = time.perf_counter() + BUDGET_SECONDS
        rounds = 0
        while rounds == 0 or time.perf_counter() < deadline:
            shift = rounds % len(lineup)
            for contender in lineup[shift:] + lineup[:shift]:
                await run_batch(contender.call, tallies[id(contender)])
            rounds += 1
    return [
        Measurement(
            mode,
            contender.protocol,
            contender.client,
            tallies[id(contender)].calls,
            tallies[id(contender)].seconds,
            tallies[id(contender)].cpu_seconds,
            tallies[id(contender)].latencies,
            tallies[id(contender)].rows,
        )
        for contender in sorted(
            lineup, key=lambda c: (c.protocol, c.client != "connector", c.client)
        )
    ]


def overhead(row: Measurement, results: list[Measurement]) -> tuple[str, str]:
    """(calls/s of the fastest bare client / connector's, CPU per call likewise)."""
    if row.client != "connector":
        return "", ""
    bare = [
        other
        for other in results
        if (other.mode, other.protocol) == (row.mode, row.protocol) and other.client != "connector"
    ]
    if not bare:
        return "", ""
    fastest = max(bare, key=lambda other: other.calls_per_second)
    return (
        f"{fastest.calls_per_second / row.calls_per_second:.2f}x vs {fastest.client}",
        f"{row.cpu_us_per_call / fastest.cpu_us_per_call:.2f}x",
    )


def render(results: list[Measurement], console: Console) -> None:
    table = Table(
        title=f"search_read of {LIMIT} {MODEL} rows at {CONCURRENCY} concurrent requests "
        f"(batches of {BATCH} calls, clients interleaved, {BUDGET_SECONDS:g} s per mode)",
        caption="overhead: fastest bare client's calls/s / connector's, and connector's "
        "client CPU per call / that client's (1.00x = no overhead)",
    )
    left = {"mode", "protocol", "client"}
    for column in ("mode", "protocol", "client", "calls", "calls/s", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column in left else "right")
    table.add_column("client CPU µs/call", justify="right")
    table.add_column("overhead calls/s", justify="right")
    table.add_column("overhead CPU", justify="right")
    for row in results:
        throughput, cpu = overhead(row, results)
        table.add_row(
            row.mode,
            row.protocol,
            row.client,
            str(row.calls),
            f"{row.calls_per_second:,.0f}",
            f"{row.percentile(0.50):.1f}",
            f"{row.percentile(0.99):.1f}",
            f"{row.cpu_us_per_call:,.0f}",
            throughput,
            cpu,
        )
    console.print(table)
    bad = [row for row in results if row.rows != row.calls * LIMIT]
    if bad:
        console.print(f"[red]short reads in: {[(r.protocol, r.client) for r in bad]}[/red]")


async def main() -> None:
    started = time.perf_counter()
    results = []
    for keep_alive in (True, False):
        results.extend(await run_mode(keep_alive))
    render(results, Console(width=160))
    print(f"total {time.perf_counter() - started:.1f} s")


def parse_args() -> None:
    global BATCH, BUDGET_SECONDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=BATCH, help="calls per batch")
    parser.add_argument("--budget", type=float, default=BUDGET_SECONDS, help="seconds per mode")
    args = parser.parse_args()
    BATCH, BUDGET_SECONDS = max(args.batch, CONCURRENCY), args.budget


if __name__ == "__main__":
    parse_args()
    configure_logging("warning")
    asyncio.run(main())
