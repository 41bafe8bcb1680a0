"""Gateway throughput: availability from the read model and through to Odoo, next to hello-world.

Run: ``python benchmarks/gateway.py`` (``--seconds 5``, ``--connections 64``). It starts the
Odoo sandbox in a subprocess (keep-alive), then three real uvicorn servers in turn, each
in its own process, and loads each with aiohttp at 64 concurrent connections for a fixed
time:

- ``hello``: a bare FastAPI app, ``GET /hello`` returning a small JSON object through a
  response model (the yardstick);
- ``read model``: an authenticated ``GET /api/v1/inventory/availability`` of one GTIN,
  answered from the read model (refreshed from the sandbox at start-up, staleness bound
  one hour);
- ``read-through``: the same request with a staleness bound so small that every request
  re-reads the product, its quants, locations and lots from the Odoo sandbox.

It prints requests/s, p50/p99 latency, the share of non-200 answers, and each case's
throughput as a ratio of hello-world's. Server and load generator share this machine's
cores, as they would in a one-box deployment.

The app under test is built by :func:`build_hub_app`: today it mounts the business
routers behind a stand-in bearer check; switch that one function to the platform's
full pipeline (token verification, quotas, idempotency, audit) when it lands.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, SecretStr
from rich.console import Console
from rich.table import Table

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.settings import OdooSettings
from healthbridge.gateway.routes import RouteServices, business_routers
from healthbridge.security.principal import Principal
from healthbridge.store import create_store_engine
from healthbridge.store.read_model import InventoryReadModel
from healthbridge.store.read_model_schema import read_products, read_quants
from healthbridge.store.schema import metadata

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


def build_hub_app(sandbox: Sandbox, staleness_seconds: float, store_path: Path) -> object:
    """The hub app under test: SWITCH HERE to the platform's full pipeline when it lands.

    Today: the business routers over a real OdooClient and a SQLite read model, behind a
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

    @app.middleware("http")
    async def authenticate(request: Request, call_next: Callable[..., Awaitable[Response]]):  # type: ignore[no-untyped-def]
        if request.url.path == "/healthz":
            return await call_next(request)
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"code": "auth.unauthenticated"}, status_code=401)
        request.state.principal = principal
        return await call_next(request)

    @app.exception_handler(HealthbridgeError)
    async def problem(_request: Request, error: HealthbridgeError) -> JSONResponse:
        return JSONResponse(error.to_dict(), status_code=500)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def serve(args: argparse.Namespace) -> None:
    """Child process: run one app under uvicorn on ``args.port``."""

    if args.serve == "hello":
        app = build_hello_app()
    else:
        sandbox = Sandbox(args.odoo_url, args.odoo_db, args.odoo_key)
        app = build_hub_app(sandbox, args.staleness, Path(args.store))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def server(extra: list[str]) -> AsyncIterator[str]:
    """A uvicorn subprocess of this script; yields its base URL once /healthz answers."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--port", str(port), *extra
    )
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
        yield base
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

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


async def load(
    name: str, url: str, headers: dict[str, str], seconds: float, connections: int
) -> Result:
    """``connections`` workers GET ``url`` back to back for ``seconds`` (after a 1 s warm-up)."""
    result = Result(name)
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
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(worker(until, True) for _ in range(connections)))
        result.seconds = time.monotonic() - started
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


async def main(seconds: float, connections: int) -> None:
    console = Console()
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        async with sandbox_process() as sandbox:
            gtin = await product_gtin(sandbox)
            hub = [
                f"--odoo-url={sandbox.url}",
                f"--odoo-db={sandbox.database}",
                f"--odoo-key={sandbox.api_key}",
            ]
            auth = {"Authorization": f"Bearer {TOKEN}"}
            path = f"/api/v1/inventory/availability?product={gtin}"
            async with server(["--serve", "hello"]) as base:
                results.append(
                    await load("bare FastAPI hello", f"{base}/hello", {}, seconds, connections)
                )
            store = str(Path(folder) / "fresh.db")
            async with server(
                ["--serve", "hub", "--staleness", "3600", "--store", store, *hub]
            ) as base:
                results.append(
                    await load("availability (read model)", base + path, auth, seconds, connections)
                )
            store = str(Path(folder) / "through.db")
            async with server(
                ["--serve", "hub", "--staleness", "0.000001", "--store", store, *hub]
            ) as base:
                results.append(
                    await load(
                        "availability (read-through)", base + path, auth, seconds, connections
                    )
                )
    hello = results[0].rate
    table = Table(title=f"gateway, {connections} connections, {seconds:g} s per case")
    for column in ("case", "requests/s", "p50 ms", "p99 ms", "non-200", "vs hello"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for result in results:
        table.add_row(
            result.name,
            f"{result.rate:,.0f}",
            f"{result.percentile(0.50):.2f}",
            f"{result.percentile(0.99):.2f}",
            f"{result.errors}",
            f"{result.rate / hello:.2f}" if hello else "-",
        )
    console.print(table)
    if any(r.errors for r in results):
        console.print("[red]some requests did not answer 200[/red]")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per case")
    parser.add_argument("--connections", type=int, default=64)
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
        asyncio.run(main(parsed.seconds, parsed.connections))
