"""The outbound path end to end: Odoo sandbox changes -> JetStream -> signed webhooks.

Run: ``python benchmarks/events.py`` (about a minute and a half on two cores;
``--quick`` for about twenty seconds). Three processes besides this one: the Odoo
sandbox (``python -m healthbridge.sandbox.odoo``), the webhook receiver
(``healthbridge.sandbox.receiver.WebhookReceiver`` in a process of its own, so it does
not share the hub's CPU) and the hub's embedded ``nats-server``. This process is the
hub: ``open_hub`` + ``open_worker`` with the project's settings (SQLite store, embedded
JetStream with ``sync_interval: always``), the poller starting a round every 20 ms.
``--delivery-processes N`` moves the webhook fan-out and dispatcher into N processes of
their own, as ``healthbridge worker`` runs them, so the hub's work spreads over the
cores. Measured in one run:

1. raw baselines: JetStream async publish with ``Nats-Msg-Id`` and pull-fetch-256 with
   acks (``events_backbone.measure``, a fresh server, same durability) and signed POSTs
   at 64 concurrent with aiohttp (``webhooks.raw_posts``) to the same receiver;
2. end to end: ``--events`` partners (3,000; 1,000 with ``--quick``) created in the
   sandbox as fast as it takes them (batches of 500 per call), from the first create to
   the last webhook received within a window (40 s; 10 s), events/s; then, if the
   backlog drains in 20 s more, the rate over every event; and the rate at which each
   stage reached the count (captured by the poller, published on JetStream, fanned out
   into deliveries, delivered). ``--progress`` prints the stage counts every second;
3. latency at a fixed offered rate (``--rate``, 250 events/s by default, the same in every
   run so runs compare; the goal's is 2,500/s): from the moment a create is sent to Odoo
   to its webhook's arrival at the receiver, p50/p99. Both sides read ``time.time()``
   (the receiver converts its monotonic arrival stamp to wall time in its own process),
   so the figure is one machine's clock.

The table ends with what limits the run: the pipeline step that took longest (from one
stage reaching the count to the next), and the lowest raw ceiling measured in the same
run (JetStream publish with ``sync_interval: always``, signed POSTs, the sandbox's own
create rate): the end-to-end rate cannot pass it, whatever the hub does.

A sample of deliveries is verified with the ``standardwebhooks`` package. The load
average is printed beside the figures: the machine may be busy with other work.
``--store-url postgresql+asyncpg://...`` runs the hub on a PostgreSQL database that the
run WIPES first; ``--relay-interval`` sets ``open_worker``'s idle wait (0.2 s default; a
recorded change wakes the relay at once, so it is only the fallback).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import structlog
from aiohttp import web
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import text
from standardwebhooks import Webhook

from healthbridge.bootstrap import Hub, open_hub, open_odoo
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core import Settings, load_settings
from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.store import create_store_engine
from healthbridge.worker import open_delivery_worker, open_worker

HERE = Path(__file__).resolve().parent
PARTNER = "res.partner"
CREATE_BATCH = 500
TICK = 0.02
"""The latency phase sends one batch of creates every TICK seconds."""
SAMPLE = 50
"""Deliveries verified with standardwebhooks."""
DEFAULT_RATE = 250.0
"""Offered rate of the latency phase (events/s) unless ``--rate`` says otherwise."""
STAGES = ("captured", "published", "fanned out", "delivered")


def sibling(name: str) -> ModuleType:
    """Another benchmark of this folder, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# --- the receiver process ------------------------------------------------------------


def serve(port: int, control_port: int) -> None:
    """WebhookReceiver on ``port``; its record over a small control API on ``control_port``."""

    async def main() -> None:
        offset = time.time() - time.monotonic()
        receiver = WebhookReceiver(port=port)
        await receiver.start()

        async def stats(_: web.Request) -> web.Response:
            received = receiver.received
            last = received[-1].received_at + offset if received else None
            return web.json_response({"received": len(received), "last": last})

        async def arrivals(_: web.Request) -> web.Response:
            rows = []
            for item in receiver.received:
                subject = json.loads(item.body).get("data", {}).get("subject", "")
                rows.append([item.webhook_id, subject, item.received_at + offset])
            return web.json_response(rows)

        async def sample(request: web.Request) -> web.Response:
            count = int(request.query.get("n", "50"))
            step = max(1, len(receiver.received) // max(1, count))
            picked = receiver.received[::step][:count]
            return web.json_response(
                [{"body": item.body.decode(), "headers": item.headers} for item in picked]
            )

        async def reset(_: web.Request) -> web.Response:
            receiver.received.clear()
            return web.Response(status=204)

        app = web.Application()
        app.router.add_get("/stats", stats)
        app.router.add_get("/arrivals", arrivals)
        app.router.add_get("/sample", sample)
        app.router.add_post("/reset", reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", control_port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Receiver:
    url: str
    """Base URL; webhooks go to ``url + '/hooks'``."""
    control: str
    session: aiohttp.ClientSession

    async def get(self, path: str) -> Any:
        async with self.session.get(self.control + path) as response:
            return await response.json()

    async def reset(self) -> None:
        async with self.session.post(self.control + "/reset") as response:
            assert response.status == 204


@asynccontextmanager
async def receiver_process() -> AsyncIterator[Receiver]:
    port, control_port = free_port(), free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, before any measurement
        [sys.executable, __file__, "--serve", str(port), str(control_port)]
    )
    try:
        async with aiohttp.ClientSession() as session:
            receiver = Receiver(
                f"http://127.0.0.1:{port}", f"http://127.0.0.1:{control_port}", session
            )
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientError):
                    await receiver.get("/stats")
                    break
                await asyncio.sleep(0.05)
            else:
                raise SystemExit("the receiver did not start")
            yield receiver
    finally:
        process.terminate()
        process.wait(10)


# --- the sandbox process ---------------------------------------------------------------


@dataclass(frozen=True)
class Sandbox:
    url: str
    database: str
    api_keys: dict[str, str]


@asynccontextmanager
async def sandbox_process() -> AsyncIterator[Sandbox]:
    """``python -m healthbridge.sandbox.odoo --port 0 --keep-alive`` until the block ends."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "healthbridge.sandbox.odoo", "--port", "0", "--keep-alive",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        if not line:
            raise SystemExit("the Odoo sandbox did not start")
        described = json.loads(line)
        yield Sandbox(described["url"], described["database"], described["api_keys"])
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


def hub_settings(
    sandbox: Sandbox,
    data_dir: Path,
    store_url: str | None,
    login: str = "hub-integration",
    sync_interval: str = "always",
) -> Settings:
    """The project's defaults, but for where things are and a poller run back to back."""
    return load_settings(
        data_dir=data_dir,
        store={"url": store_url},
        odoo={
            "url": sandbox.url,
            "database": sandbox.database,
            "login": login,
            "api_key": SecretStr(sandbox.api_keys[login]),
        },
        capture={"models": [PARTNER], "poll_interval_seconds": 0.01},
        events={"sync_interval": sync_interval},
        webhooks={"api_base_url": "https://hub.example.org", "max_in_flight_per_endpoint": 64},
    )


# --- delivery processes (--delivery-processes) ---------------------------------------------


def deliver(described: str) -> None:
    """What ``healthbridge worker`` runs (fan-out and dispatcher), until terminated."""
    config = json.loads(described)
    sandbox = Sandbox(config["url"], config["database"], config["api_keys"])
    settings = hub_settings(
        sandbox, Path(config["data_dir"]), config["store_url"], sync_interval=config["sync"]
    )

    async def main() -> None:
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
        async with open_delivery_worker(settings):
            print("ready", flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


@asynccontextmanager
async def delivery_processes(
    count: int, sandbox: Sandbox, data_dir: Path, store_url: str | None, sync: str
) -> AsyncIterator[None]:
    """``count`` delivery processes beside this one, stopped (SIGTERM) at the end."""
    described = json.dumps(
        {
            "url": sandbox.url,
            "database": sandbox.database,
            "api_keys": sandbox.api_keys,
            "data_dir": str(data_dir),
            "store_url": store_url,
            "sync": sync,
        }
    )
    processes = []
    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--deliver", described, stdout=asyncio.subprocess.PIPE
            )
            processes.append(process)
            assert process.stdout is not None
            if await asyncio.wait_for(process.stdout.readline(), 60) != b"ready\n":
                raise SystemExit("a delivery process did not start")
        yield
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            await process.wait()


# --- the hub ----------------------------------------------------------------------------


@dataclass
class Stages:
    """Cumulative counts since the phase began, sampled every 50 ms."""

    base_published: int = 0
    base_fanned: int = 0
    captured: int = 0
    shown: float = 0.0
    progress: bool = False
    reached: dict[str, float] = field(default_factory=dict)


async def published(hub: Hub) -> int:
    return sum(stream.messages for stream in await hub.events.streams())


async def fanned_out(hub: Hub) -> int:
    return sum(c.ack_floor_seq for c in await hub.events.consumers("webhooks"))


async def settle(hub: Hub, within: float = 30.0) -> None:
    """Until the webhooks subscription has taken every event published so far."""
    async with asyncio.timeout(within):
        while any(c.pending or c.ack_pending for c in await hub.events.consumers("webhooks")):  # noqa: ASYNC110 - NATS offers counts, not a signal
            await asyncio.sleep(0.05)


POLL_EVERY = 0.02
"""The poller starts a round every POLL_EVERY seconds (sooner after a round that found a
full page). Back to back, the rounds would be most of the sandbox's work and slow down
every other read the hub makes of it."""


async def poll_forever(hub: Hub, stages: Stages) -> None:
    while True:
        started = time.monotonic()
        report = await hub.poller.run_once()
        stages.captured += report.new
        await asyncio.sleep(max(0.0, started + POLL_EVERY - time.monotonic()))


async def sample_stages(
    hub: Hub, receiver: Receiver, stages: Stages, target: int, started: float
) -> None:
    while len(stages.reached) < 4:
        counts = {
            "captured": stages.captured,
            "published": await published(hub) - stages.base_published,
            "fanned out": await fanned_out(hub) - stages.base_fanned,
            "delivered": (await receiver.get("/stats"))["received"],
        }
        now = time.time()
        if stages.progress and now - stages.shown >= 1:
            stages.shown = now
            print(f"{now - started:6.1f} s {counts}", file=sys.stderr)
        for stage, count in counts.items():
            if count >= target and stage not in stages.reached:
                stages.reached[stage] = now - started
        await asyncio.sleep(0.05)


async def wait_delivered(receiver: Receiver, count: int, within: float) -> dict[str, Any]:
    """The receiver's stats once ``count`` arrived, or when ``within`` s have passed."""
    deadline = time.monotonic() + within
    while True:
        stats: dict[str, Any] = await receiver.get("/stats")
        if stats["received"] >= count or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.02)


@dataclass
class EndToEnd:
    events: int
    delivered: int
    started: float
    seconds: float
    stages: dict[str, float]
    create_seconds: float

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds


async def end_to_end(
    hub: Hub, admin: OdooClient, receiver: Receiver, events: int, within: float, progress: bool
) -> EndToEnd:
    """``events`` creates as fast as the sandbox takes them; first create -> last webhook."""
    stages = Stages(await published(hub), await fanned_out(hub), progress=progress)
    started = time.time()
    poller = asyncio.create_task(poll_forever(hub, stages))
    sampler = asyncio.create_task(sample_stages(hub, receiver, stages, events, started))
    try:
        for first in range(0, events, CREATE_BATCH):
            count = min(CREATE_BATCH, events - first)
            await admin.create(PARTNER, [{"name": f"Bench {first + n}"} for n in range(count)])
        created = time.time()
        stats = await wait_delivered(receiver, events, within)
        if stats["received"] >= events:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sampler, 2)
    finally:
        for task in (poller, sampler):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    delivered = min(events, stats["received"])
    finished = stats["last"] if delivered >= events else time.time()
    return EndToEnd(
        events, delivered, started, finished - started, dict(stages.reached), created - started
    )


@dataclass
class Latency:
    offered: float
    sent: int
    latencies: list[float]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def summary(self) -> str:
        if not self.latencies:
            return "none arrived in time"
        return f"p50 {self.percentile(0.5):,.0f} ms, p99 {self.percentile(0.99):,.0f} ms"


async def latency(
    hub: Hub,
    admin: OdooClient,
    receiver: Receiver,
    rate: float,
    seconds: float,
    within: float,
    progress: bool,
) -> Latency:
    """Creates at ``rate`` for ``seconds``; each one's send -> webhook arrival (wall clock)."""
    await receiver.reset()
    sent_at: dict[int, float] = {}
    per_tick = max(1, round(rate * TICK))
    interval = per_tick / rate
    stages = Stages(progress=progress)
    poller = asyncio.create_task(poll_forever(hub, stages))
    try:
        started = time.monotonic()
        tick = started
        while time.monotonic() - started < seconds:
            stamp = time.time()
            ids = await admin.create(
                PARTNER, [{"name": f"Paced {len(sent_at) + n}"} for n in range(per_tick)]
            )
            sent_at.update(dict.fromkeys(ids, stamp))
            tick += interval
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
        offered = len(sent_at) / (time.monotonic() - started)
        if stages.progress:
            print(f"paced: {len(sent_at):,} sent, {offered:.0f}/s", file=sys.stderr)
        await wait_delivered(receiver, len(sent_at), within)
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
    latencies = []
    for _, subject, arrived in await receiver.get("/arrivals"):
        match = re.search(r"(\d+)$", subject)
        if match and int(match.group(1)) in sent_at:
            latencies.append(arrived - sent_at[int(match.group(1))])
    return Latency(offered, len(sent_at), latencies)


def slowest_step(e2e: EndToEnd) -> str:
    """The step between two stages (or from the first create) that added the most time."""
    previous, at, steps = "create", 0.0, []
    for stage in STAGES:
        reached = e2e.stages.get(stage)
        if reached is None:
            return f"{previous} -> {stage} (count not reached in time)"
        steps.append((reached - at, f"{previous} -> {stage}"))
        previous, at = stage, reached
    took, step = max(steps)
    return f"{step} (+{took:.2f} s of {at:.2f} s)"


async def verify_sample(receiver: Receiver, secret: str) -> int:
    verified = 0
    for item in await receiver.get(f"/sample?n={SAMPLE}"):
        payload = Webhook(secret).verify(item["body"], item["headers"])
        assert payload["type"].startswith("org.healthbridge.partner."), payload["type"]
        verified += 1
    return verified


# --- the run ------------------------------------------------------------------------------


async def wipe(store_url: str) -> None:
    """Empty the PostgreSQL database ``--store-url`` names: each run starts from nothing."""
    engine = create_store_engine(store_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def quiesce(hub: Hub, within: float) -> None:
    """Until the burst's after-work is done, so the latency run measures its rate alone.

    After a burst the relay re-reads every change it published while its second was
    open (about 1.25 s later), and the poller's next sweep of the overlap reads the
    burst once more: both run here, before the latency run, not inside it.
    """
    deadline = time.monotonic() + within
    while hub.relay.unsettled_for is not None and time.monotonic() < deadline:  # noqa: ASYNC110 - the relay offers a count, not a signal
        await asyncio.sleep(0.1)
    await asyncio.sleep(hub.settings.capture.sweep_interval_seconds)
    await hub.poller.run_once()


def relay_running() -> bool:
    """Whether open_worker's relay task is still running (a store error ends it for good)."""
    return any(task.get_name() == "healthbridge-relay" for task in asyncio.all_tasks())


def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


async def main(options: argparse.Namespace) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    console = Console()
    backbone, webhooks = sibling("events_backbone"), sibling("webhooks")
    quick = options.quick
    events = options.events or (1_000 if quick else 3_000)
    raw_seconds = 2.0 if quick else 4.0
    paced_seconds = 3.0 if quick else 8.0
    drain = 5.0 if quick else 20.0
    loads = {"start": load()}

    console.print("raw JetStream publish + fetch/ack (sync_interval=always) ...")
    jetstream = await backbone.measure("always", 10_000 if quick else 20_000, raw_seconds)
    loads["raw"] = load()
    async with receiver_process() as receiver, sandbox_process() as sandbox:
        console.print("raw signed POSTs, aiohttp, 64 concurrent ...")
        raw_post = await webhooks.raw_posts(receiver.url, raw_seconds)
        await receiver.reset()
        with tempfile.TemporaryDirectory() as folder:
            if options.store_url:
                await wipe(options.store_url)
            settings = hub_settings(
                sandbox, Path(folder) / "hub", options.store_url, sync_interval=options.sync
            )
            relay_alive: list[bool] = []
            stopped_with = ""
            measured = False
            person = hub_settings(sandbox, Path(folder) / "hub", None, login="admin")
            try:
                split = options.delivery_processes > 0
                async with (
                    open_hub(settings) as hub,
                    delivery_processes(
                        options.delivery_processes,
                        sandbox,
                        Path(folder) / "hub",
                        options.store_url,
                        options.sync,
                    ),
                    open_worker(
                        hub,
                        relay_interval=options.relay_interval,
                        fanout=not split,
                        dispatch=False if split else None,
                    ) as worker,
                    open_odoo(person) as admin,
                ):
                    await hub.poller.run_once()  # the demo data is history, not news
                    await hub.relay.run_until_idle()
                    await settle(hub)
                    endpoint = await worker.webhooks.registry.add(
                        "bench", receiver.url + "/hooks", ["org.healthbridge.*"]
                    )
                    console.print(f"end to end, {events:,} partners created in the sandbox ...")
                    e2e = await end_to_end(
                        hub, admin, receiver, events, 10 if quick else 40, options.progress
                    )
                    loads["e2e"] = load()
                    relay_alive.append(relay_running())
                    verified = await verify_sample(receiver, endpoint.secret)
                    # The latency run starts from an idle pipeline when the backlog drains in time.
                    drained = await wait_delivered(receiver, events, drain)
                    backlog = events - drained["received"]
                    await quiesce(hub, drain)
                    rate = options.rate or DEFAULT_RATE
                    console.print(f"latency at {rate:,.0f} events/s offered ...")
                    paced = await latency(
                        hub,
                        admin,
                        receiver,
                        rate,
                        paced_seconds,
                        10 if quick else 20,
                        options.progress,
                    )
                    loads["latency"] = load()
                    relay_alive.append(relay_running())
                    verified += await verify_sample(receiver, endpoint.secret)
                    console.print("stopping the hub ...")
                    measured = True
            except Exception as exc:  # measured already: report the failed stop, then the figures
                if not measured:
                    raise
                stopped_with = f"{type(exc).__name__} ({str(exc).splitlines()[0][:80]})"

    table = Table(
        "measure", "figure", "end to end / it",
        title=f"events end to end on this machine ({os.cpu_count()} cores), "
        f"hub JetStream sync_interval {options.sync}",
    )  # fmt: skip
    partial = "" if e2e.delivered >= events else f", only {e2e.delivered:,} in time"
    table.add_row(
        f"end to end: sandbox create -> signed webhook ({events:,} events{partial})",
        f"{e2e.rate:,.0f} /s", "",
    )  # fmt: skip
    best = e2e.rate  # the ratio below uses every event delivered, however long it took
    if e2e.delivered < events and backlog <= 0:
        whole = drained["last"] - e2e.started
        best = events / whole
        table.add_row(
            f"  all {events:,} delivered after {whole:.1f} s (waiting {drain:.0f} s more)",
            f"{events / whole:,.0f} /s",
            "",
        )
    for stage in STAGES:
        reached = e2e.stages.get(stage)
        figure = f"{events / reached:,.0f} /s" if reached else "count not reached in time"
        table.add_row(f"  stage: {stage} (count reached after {reached or 0:.2f} s)", figure, "")
    sandbox_rate = events / e2e.create_seconds
    table.add_row("  creates sent to the sandbox (its own speed)", f"{sandbox_rate:,.0f} /s", "")
    lost = paced.sent - len(paced.latencies)
    late = f", {lost:,} not arrived in time" if lost else ""
    late += f", after a backlog of {backlog:,} not drained" if backlog > 0 else ""
    table.add_row(
        f"latency at {paced.offered:,.0f} /s offered ({paced.sent:,} events{late})",
        paced.summary(),
        "",
    )
    for label, value in (
        ("raw JetStream async publish + Nats-Msg-Id", jetstream.publish),
        ("raw JetStream pull-fetch-256 + ack", jetstream.fetch_ack),
        ("hub publisher (CloudEvents) on JetStream", jetstream.hub_publish),
        ("raw signed POSTs, aiohttp, 64 concurrent", raw_post),
    ):
        table.add_row(label, f"{value:,.0f} /s", f"{best / value:.3f}")
    table.add_row("deliveries verified with standardwebhooks", f"{verified}", "")
    table.add_row("limited by: slowest step", slowest_step(e2e), "")
    ceilings = {
        "JetStream publish (sync always)": min(jetstream.publish, jetstream.hub_publish),
        "signed POSTs": raw_post,
        "sandbox creates": sandbox_rate,
    }
    lowest = min(ceilings, key=lambda name: ceilings[name])
    table.add_row(
        "limited by: lowest raw ceiling",
        f"{lowest}, {ceilings[lowest]:,.0f} /s",
        f"{best / ceilings[lowest]:.3f}",
    )
    table.add_row(
        "relay task alive after end to end / after latency",
        " / ".join("yes" if alive else "NO (died)" for alive in relay_alive),
        "",
    )
    if stopped_with:
        table.add_row("the hub stopped with an error", stopped_with, "")
    table.add_row("load average (1/5/15 min)", "; ".join(f"{k} {v}" for k, v in loads.items()), "")
    console.print(table)
    console.print(
        "goal: 5,000 events/s end to end; p99 <= 100 ms at half that rate "
        f"(relay interval {options.relay_interval} s, JetStream sync_interval=always, "
        f"store {'postgresql' if options.store_url else 'sqlite'})"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="About twenty seconds.")
    parser.add_argument("--events", type=int, default=0, help="Events end to end.")
    parser.add_argument(
        "--sync",
        default="always",
        help="The hub's JetStream sync_interval: always (the embedded default: every "
        "message on disk before its ack) or default (the OS flushes, about every 2 min).",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help=f"Offered rate of the latency run (default {DEFAULT_RATE:.0f}/s).",
    )
    parser.add_argument(
        "--relay-interval", type=float, default=0.2, help="open_worker's relay idle wait (s)."
    )
    parser.add_argument(
        "--store-url",
        default=None,
        help="A PostgreSQL database (postgresql+asyncpg://...) the run may WIPE; "
        "default: a temporary SQLite file, the embedded default.",
    )
    parser.add_argument(
        "--progress", action="store_true", help="Print stage counts every second (stderr)."
    )
    parser.add_argument(
        "--delivery-processes",
        type=int,
        default=0,
        help="Run the webhook fan-out and dispatcher in this many processes of their own "
        "(as `healthbridge worker` does) instead of in the hub's process.",
    )
    parser.add_argument("--serve", type=int, nargs=2, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--deliver", default=None, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    parsed = arguments()
    if parsed.serve is not None:
        serve(*parsed.serve)
    elif parsed.deliver is not None:
        deliver(parsed.deliver)
    else:
        asyncio.run(main(parsed))
