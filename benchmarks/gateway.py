"""Gateway throughput: availability from the read model and through to Odoo, next to hello-world.

Run: ``python benchmarks/gateway.py`` (``--seconds 5``, ``--rounds 3``,
``--connections 64``, ``--pipeline full|stand-in``, ``--no-pin``). It starts the Odoo
sandbox in a subprocess (keep-alive), then three real uvicorn servers, each in its own
process, and loads each with aiohttp at 64 concurrent connections for a fixed time, in
``--rounds`` interleaved rounds (hello, read model, read-through, hello, ...), so that a
change in the machine's load during the run hits every case alike:

- ``hello``: a bare FastAPI app, ``GET /hello`` returning a small JSON object through a
  response model (the yardstick);
- ``read model``: an authenticated ``GET /api/v1/inventory/availability`` of one GTIN,
  answered from the read model (refreshed from the sandbox at start-up, staleness bound
  one hour);
- ``read-through``: the same request with a staleness bound so small that every request
  re-reads the product, its quants, locations and lots from the Odoo sandbox.

With ``--pipeline full`` (the default) the hub is ``create_app`` with the platform's whole
pipeline: a client is registered in a migrated store, its token comes from the gateway's
own ``/oauth/token``, and every request is traced, audited, verified, versioned, counted
against a quota and checked for scopes. ``--pipeline stand-in`` replaces all that with a
fixed bearer check, to see what the route itself costs.

It prints, per case, the median over the rounds of requests/s, p50/p99 latency, the
non-200 answers, the throughput as a ratio of hello-world's in the same round (median
and range over the rounds), and the server process's CPU time per request (from
``/proc``) with the same ratio.

With two or more CPUs (and without ``--no-pin``) each server runs pinned to one core and
the load generator to another (``os.sched_setaffinity``), hello-world measured the same
way: the server's throughput is then that of one dedicated core, and the load generator
does not steal from it. The sandbox stays unpinned. On a machine shared with other work
the absolute figures still swing; the ratios measured in the same round are the result.

Latency is that of a closed loop: each connection sends its next request when the
previous answer arrives, so the mean latency is ``connections / throughput`` (Little's
law) whatever the server does; at 64 connections a p99 of 10 ms would need well over
6,400 requests/s. Compare a case's p99 with hello-world's in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, SecretStr
from rich.console import Console
from rich.table import Table
from starlette.types import ASGIApp, Receive, Scope, Send

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.settings import OdooSettings, Settings
from healthbridge.gateway.app import create_app
from healthbridge.gateway.routes import RouteServices, business_routers
from healthbridge.gateway.runtime import open_gateway
from healthbridge.security.principal import Principal
from healthbridge.services.change_capture import ChangeIntake
from healthbridge.store import create_store_engine
from healthbridge.store.clients import ClientRegistry
from healthbridge.store.migrate import upgrade
from healthbridge.store.read_model import InventoryReadModel
from healthbridge.store.read_model_schema import read_products, read_quants
from healthbridge.store.schema import metadata
from healthbridge.testing import MemoryChangeLog

LOGIN = "hub-integration"
TOKEN = "bench-token"


@dataclass
class Sandbox:
    """Where the sandbox listens and the hub's key for it."""

    url: str
    database: str
    api_key: str


@asynccontextmanager
async def sandbox_process() -> AsyncIterator[Sandbox]:
    """``python -m healthbridge.sandbox.odoo --port 0 --keep-alive`` until the block ends."""
    args = [sys.executable, "-m", "healthbridge.sandbox.odoo", "--port", "0", "--keep-alive"]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        if not line:
            raise RuntimeError("the sandbox did not start")
        described = json.loads(line)
        yield Sandbox(described["url"], described["database"], described["api_keys"][LOGIN])
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


def build_hello_app() -> object:
    """The yardstick: bare FastAPI with a response model."""

    class Hello(BaseModel):
        message: str

    app = FastAPI()

    @app.get("/hello", response_model=Hello)
    async def hello() -> Hello:
        return Hello(message="hello")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


class StandInAuthentication:
    """Pure ASGI, like the platform's pipeline steps: a fixed bearer token -> ``principal``.

    (A ``BaseHTTPMiddleware`` here would cost a task and a body stream copy per request
    that the real pipeline does not pay, and blur what the route itself costs.)
    """

    def __init__(self, app: ASGIApp, principal: Principal) -> None:
        self.app = app
        self.principal = principal
        self.expected = f"Bearer {TOKEN}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        if dict(scope["headers"]).get(b"authorization") != self.expected:
            await JSONResponse({"code": "auth.unauthenticated"}, status_code=401)(
                scope, receive, send
            )
            return
        scope.setdefault("state", {})["principal"] = self.principal
        await self.app(scope, receive, send)


def build_hub_app(sandbox: Sandbox, staleness_seconds: float, store_path: Path) -> object:
    """The hub app with ``--pipeline stand-in``: the routes without the platform's controls.

    The business routers over a real OdooClient and a SQLite read model, behind a
    stand-in middleware that checks ``Authorization: Bearer <TOKEN>`` and sets the
    principal; the lifespan warms the read model from Odoo.
    """

    principal = Principal("bench", "client", frozenset({"inventory.read"}), "test")
    state: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_store_engine(f"sqlite+aiosqlite:///{store_path}")
        async with engine.begin() as connection:
            await connection.run_sync(
                lambda sync: metadata.create_all(sync, tables=[read_products, read_quants])
            )
        odoo = await OdooClient.connect(
            OdooSettings(
                url=sandbox.url,
                database=sandbox.database,
                login=LOGIN,
                api_key=SecretStr(sandbox.api_key),
            )
        )
        services = RouteServices.build(
            odoo, InventoryReadModel(engine), staleness_seconds=staleness_seconds
        )
        await services.inventory.refresh_all()
        for router in business_routers(services):
            app.include_router(router)
        state["services"] = services
        try:
            yield
        finally:
            await odoo.close()
            await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(StandInAuthentication, principal=principal)

    @app.exception_handler(HealthbridgeError)
    async def problem(_request: Request, error: HealthbridgeError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=500)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def serve_full_pipeline(args: argparse.Namespace) -> None:
    """Child process: the hub as it runs, every control on, under uvicorn on ``args.port``.

    ``create_app`` with the platform's pipeline (trace context, audit to the store,
    token verification, versions, quotas, idempotency) around the business routers, on
    the migrated store ``args.gateway_store`` where the parent registered the client.
    The quota is set high enough not to refuse the load, but it is counted per request.
    """
    sandbox = Sandbox(args.odoo_url, args.odoo_db, args.odoo_key)
    url = args.gateway_store
    settings = Settings(
        environment="dev",
        data_dir=Path(args.store).parent,
        store={"url": url},
        gateway={"quota_default": "100000000/minute"},
    )
    engine = create_store_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(
            lambda sync: metadata.create_all(sync, tables=[read_products, read_quants])
        )
    odoo = await OdooClient.connect(
        OdooSettings(
            url=sandbox.url,
            database=sandbox.database,
            login=LOGIN,
            api_key=SecretStr(sandbox.api_key),
        )
    )
    try:
        services = RouteServices.build(
            odoo, InventoryReadModel(engine), staleness_seconds=args.staleness
        )
        await services.inventory.refresh_all()
        async with open_gateway(settings, engine) as runtime:
            capture = ChangeIntake(MemoryChangeLog(), queue_size=10)
            app = create_app(capture, settings, runtime, routers=business_routers(services))
            config = uvicorn.Config(
                app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False
            )
            await uvicorn.Server(config).serve()
    finally:
        await odoo.close()
        await engine.dispose()


def serve(args: argparse.Namespace) -> None:
    """Child process: run one app under uvicorn on ``args.port``."""

    if args.serve == "hello":
        app = build_hello_app()
    elif args.gateway_store:
        asyncio.run(serve_full_pipeline(args))
        return
    else:
        sandbox = Sandbox(args.odoo_url, args.odoo_db, args.odoo_key)
        app = build_hub_app(sandbox, args.staleness, Path(args.store))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)  # type: ignore[arg-type]


async def gateway_store(folder: Path) -> tuple[str, str, str]:
    """A migrated gateway store with one client holding ``inventory.read``: (url, id, secret)."""
    url = f"sqlite+aiosqlite:///{(folder / 'gateway.db').as_posix()}"
    await upgrade(url)
    engine = create_store_engine(url)
    try:
        client, secret = await ClientRegistry(engine).add(
            "gateway benchmark", scopes=("inventory.read",), environment="dev"
        )
    finally:
        await engine.dispose()
    return url, client.client_id, secret


async def access_token(base: str, client_id: str, secret: str) -> str:
    """A token from the gateway's own ``/oauth/token`` (client credentials, HTTP Basic)."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        ) as response,
    ):
        if response.status != 200:
            raise RuntimeError(f"the gateway refused a token: {response.status}")
        return str((await response.json())["access_token"])


@dataclass(frozen=True)
class Pinning:
    """Which core the servers run on and which the load generator runs on (or none)."""

    server: int | None = None
    load: int | None = None

    @classmethod
    def choose(cls, wanted: bool) -> Pinning:
        """The first two cores this process may use, when pinning is wanted and possible."""
        if not wanted or not hasattr(os, "sched_getaffinity"):
            return cls()
        cores = sorted(os.sched_getaffinity(0))
        return cls(cores[0], cores[1]) if len(cores) >= 2 else cls()

    def pin_server(self, pid: int) -> None:
        if self.server is not None:
            os.sched_setaffinity(pid, {self.server})

    def pin_load_generator(self) -> None:
        if self.load is not None:
            os.sched_setaffinity(0, {self.load})

    def describe(self) -> str:
        if self.server is None:
            return "unpinned"
        return f"server on CPU {self.server}, load generator on CPU {self.load}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """A server subprocess: its base URL and process id."""

    base: str
    pid: int

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server process has used so far (Linux ``/proc``), or None."""
        try:
            with open(f"/proc/{self.pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def server(extra: list[str], pinning: Pinning) -> AsyncIterator[Served]:
    """A uvicorn subprocess of this script (pinned); yields it once /healthz answers."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--port", str(port), *extra
    )
    pinning.pin_server(process.pid)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.get(f"{base}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline or process.returncode is not None:
                    raise RuntimeError("the server did not start")
                await asyncio.sleep(0.1)
        yield Served(base, process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), 15)


@dataclass
class Result:
    """One case's load run."""

    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_cpu: float | None = None

    @property
    def cpu_per_request(self) -> float | None:
        """Server CPU seconds per answered request: what one core's throughput is made of."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu / self.requests

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def load(
    name: str, target: Served, path: str, headers: dict[str, str], seconds: float, connections: int
) -> Result:
    """``connections`` workers GET ``path`` back to back for ``seconds`` (after a 1 s warm-up).

    Besides the client's view (rate, latency) it records the server's CPU time over the
    measured phase: on a shared, busy machine the client's numbers swing with the load
    generator's share of the cores, while CPU per request is the server's own cost.
    """
    result = Result(name)
    url = target.base + path
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        warm_until = time.monotonic() + 1.0

        async def worker(until: float, record: bool) -> None:
            while time.monotonic() < until:
                started = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    ok = response.status == 200
                if record:
                    result.latencies.append(time.perf_counter() - started)
                    result.requests += 1
                    result.errors += 0 if ok else 1

        await asyncio.gather(*(worker(warm_until, False) for _ in range(connections)))
        cpu_before = target.cpu_seconds()
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(worker(until, True) for _ in range(connections)))
        result.seconds = time.monotonic() - started
        cpu_after = target.cpu_seconds()
        if cpu_before is not None and cpu_after is not None:
            result.server_cpu = cpu_after - cpu_before
    return result


async def paced(
    name: str, target: Served, path: str, headers: dict[str, str], seconds: float,
    connections: int, rate: float,
) -> Result:  # fmt: skip
    """``connections`` workers sharing a fixed offered ``rate``: latency below saturation.

    Each worker sends on its own schedule (staggered, ``connections / rate`` apart), and
    a request's latency counts from when it was due, not when it was sent, so a slow
    answer that delays the next request is charged to that request too (no coordinated
    omission). Below capacity, this is the latency a caller sees at that load.
    """
    result = Result(name)
    url = target.base + path
    interval = connections / rate
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        for _ in range(connections):  # open the connections before the clock starts
            async with session.get(url) as response:
                await response.read()
        start = time.perf_counter() + 0.05

        async def worker(offset: float) -> None:
            sent = 0
            while (due := start + offset + sent * interval) < start + seconds:
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                async with session.get(url) as response:
                    await response.read()
                    ok = response.status == 200
                result.latencies.append(time.perf_counter() - due)
                result.requests += 1
                result.errors += 0 if ok else 1
                sent += 1

        await asyncio.gather(*(worker(i * interval / connections) for i in range(connections)))
        result.seconds = time.perf_counter() - start
    return result


async def product_gtin(sandbox: Sandbox) -> str:
    """A GTIN of a stocked product in the sandbox's demo data."""

    odoo = await OdooClient.connect(
        OdooSettings(
            url=sandbox.url,
            database=sandbox.database,
            login=LOGIN,
            api_key=SecretStr(sandbox.api_key),
        )
    )
    try:
        quants = await odoo.search_read(
            "stock.quant", [("lot_id", "!=", False)], ["product_id"], limit=1
        )
        [product] = await odoo.read("product.product", [quants[0]["product_id"][0]], ["barcode"])
        return str(product["barcode"])
    finally:
        await odoo.close()


@dataclass
class Case:
    """One benchmarked request: which server, which path, which headers."""

    name: str
    target: Served
    path: str
    headers: dict[str, str]
    rounds: list[Result] = field(default_factory=list)

    def median(self, value: Callable[[Result], float | None]) -> float | None:
        values = [v for v in map(value, self.rounds) if v is not None]
        return statistics.median(values) if values else None


async def main(options: argparse.Namespace) -> None:
    console = Console(width=150)
    seconds, connections, pipeline = options.seconds, options.connections, options.pipeline
    pinning = Pinning.choose(options.pin)
    async with AsyncExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        sandbox = await stack.enter_async_context(sandbox_process())
        gtin = await product_gtin(sandbox)
        hub = [
            f"--odoo-url={sandbox.url}",
            f"--odoo-db={sandbox.database}",
            f"--odoo-key={sandbox.api_key}",
        ]
        path = f"/api/v1/inventory/availability?product={gtin}"
        hello_server = await stack.enter_async_context(server(["--serve", "hello"], pinning))
        cases = [Case("bare FastAPI hello", hello_server, "/hello", {})]
        for case, staleness in (("read model", "3600"), ("read-through", "0.000001")):
            store = str(folder / f"{staleness}.db")
            extra = ["--serve", "hub", "--staleness", staleness, "--store", store, *hub]
            credentials: tuple[str, str] | None = None
            if pipeline == "full":
                url, client_id, secret = await gateway_store(folder / staleness)
                extra.append(f"--gateway-store={url}")
                credentials = (client_id, secret)
            hub_server = await stack.enter_async_context(server(extra, pinning))
            token = (
                await access_token(hub_server.base, *credentials)
                if credentials is not None
                else TOKEN
            )
            auth = {"Authorization": f"Bearer {token}"}
            cases.append(Case(f"availability ({case})", hub_server, path, auth))
        pinning.pin_load_generator()
        for _ in range(options.rounds):
            for case in cases:
                case.rounds.append(
                    await load(
                        case.name, case.target, case.path, case.headers, seconds, connections
                    )
                )
        at_rate = [
            await paced(
                case.name, case.target, case.path, case.headers, seconds, connections,
                options.offered_rate,
            )
            for case in cases
            if options.offered_rate > 0
        ]  # fmt: skip
    report(console, cases, options, pinning)
    if at_rate:
        report_paced(console, at_rate, options)


def report(
    console: Console, cases: list[Case], options: argparse.Namespace, pinning: Pinning
) -> None:
    """The table: medians over the rounds, and each ratio to hello-world of the same round."""
    hello = cases[0]
    controls = "every control on" if options.pipeline == "full" else "stand-in bearer check"
    table = Table(
        title=f"gateway ({controls}), {options.connections} connections, "
        f"{options.rounds} rounds x {options.seconds:g} s per case, {pinning.describe()}"
    )
    columns = ("case", "requests/s", "p50 ms", "p99 ms", "non-200", "vs hello", "range")
    for column in (*columns, "server CPU µs/req", "vs hello (CPU)"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for case in cases:
        ratios = [
            mine.rate / base.rate
            for mine, base in zip(case.rounds, hello.rounds, strict=True)
            if base.rate
        ]
        cpu_ratios = [
            base.cpu_per_request / mine.cpu_per_request
            for mine, base in zip(case.rounds, hello.rounds, strict=True)
            if base.cpu_per_request and mine.cpu_per_request
        ]
        cpu = case.median(lambda r: r.cpu_per_request)
        table.add_row(
            case.name,
            f"{case.median(lambda r: r.rate) or 0:,.0f}",
            f"{case.median(lambda r: r.percentile(0.50)) or 0:.2f}",
            f"{case.median(lambda r: r.percentile(0.99)) or 0:.2f}",
            f"{sum(r.errors for r in case.rounds)}",
            f"{statistics.median(ratios):.2f}" if ratios else "-",
            f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "-",
            f"{cpu * 1e6:,.0f}" if cpu else "-",
            f"{statistics.median(cpu_ratios):.2f}" if cpu_ratios else "-",
        )
    console.print(table)
    console.print(
        "vs hello: this case's requests/s over hello-world's in the same round (median, and "
        "the range over the rounds). vs hello (CPU): hello-world's server CPU per request "
        "over this case's, i.e. the share of hello-world's requests/s this case would reach "
        "on one dedicated core. Latency is closed-loop: mean = connections / throughput."
    )
    if any(r.errors for case in cases for r in case.rounds):
        console.print("[red]some requests did not answer 200[/red]")


def report_paced(console: Console, results: list[Result], options: argparse.Namespace) -> None:
    """Latency at a fixed offered rate, below saturation, for each case."""
    table = Table(
        title=f"latency at {options.offered_rate:,.0f} requests/s offered over "
        f"{options.connections} connections ({options.seconds:g} s per case)"
    )
    for column in ("case", "answered/s", "p50 ms", "p99 ms", "max ms", "non-200"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for result in results:
        table.add_row(
            result.name,
            f"{result.rate:,.0f}",
            f"{result.percentile(0.50):.2f}",
            f"{result.percentile(0.99):.2f}",
            f"{max(result.latencies, default=0) * 1000:.2f}",
            f"{result.errors}",
        )
    console.print(table)
    console.print(
        "Latency counts from when each request was due (open-loop schedule), so queueing "
        "behind a slow answer is included. An answered/s below the offered rate means the "
        "case could not keep up and its latency is that of saturation."
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per case")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--offered-rate",
        type=float,
        default=1000.0,
        help="requests/s for the fixed-rate latency table (0 skips it)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds over the three cases"
    )
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="servers on one core, the load generator on another (default: on)",
    )
    parser.add_argument(
        "--pipeline",
        choices=["full", "stand-in"],
        default="full",
        help="full: the platform's whole pipeline (tokens, quotas, audit, ...); "
        "stand-in: a fixed bearer check only, to see what the route itself costs",
    )
    parser.add_argument("--gateway-store", help=argparse.SUPPRESS)
    parser.add_argument("--serve", choices=["hello", "hub"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--staleness", type=float, default=3600.0, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--odoo-url", help=argparse.SUPPRESS)
    parser.add_argument("--odoo-db", help=argparse.SUPPRESS)
    parser.add_argument("--odoo-key", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    parsed = arguments()
    if parsed.serve:
        serve(parsed)
    else:
        asyncio.run(main(parsed))
