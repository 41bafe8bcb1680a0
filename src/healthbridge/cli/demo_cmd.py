"""``healthbridge demo`` and ``healthbridge serve``: the hub running, with a flow to watch."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import shutil
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from fastapi import APIRouter
from pydantic import SecretStr
from rich.console import Console, Group
from rich.json import JSON
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from healthbridge.bootstrap import Hub, mllp_listener, open_hub, open_odoo, serve_http
from healthbridge.canonical import Watermark
from healthbridge.cli.changes_view import changes_table
from healthbridge.cli.demo_activity import DemoActivity
from healthbridge.cli.demo_partner import DemoPartner
from healthbridge.cli.demo_replenishment import LOW_AT_STEP, DemoReplenishment
from healthbridge.cli.embedded import embedded_odoo
from healthbridge.cli.output import console, fail, run
from healthbridge.cli.trace_cmd import print_timeline
from healthbridge.cli.worker_processes import delivery_workers
from healthbridge.core import ConfigError, HealthbridgeError, Settings, load_settings
from healthbridge.core.clock import utc_now
from healthbridge.gateway.hub_app import open_hub_app
from healthbridge.gateway.routes.operations import operations_router
from healthbridge.governance import write_contracts
from healthbridge.governance.catalog import write_example
from healthbridge.observability import OdooCallObserver, SliRecorder, open_tracing
from healthbridge.registries import apply_catalog
from healthbridge.sandbox.odoo.runner import RunningSandbox
from healthbridge.sandbox.supplier.server import start_supplier
from healthbridge.services import apply_webhook_rules, plan_webhook_rules
from healthbridge.services.business_recorder import REPLENISHMENT_PREFIX, SUPPLY_KEY_PREFIX
from healthbridge.services.business_trace import business_timeline
from healthbridge.services.governance import GovernanceSources
from healthbridge.slo_worker import open_slo_monitor
from healthbridge.store.business_events import BusinessEvents
from healthbridge.store.tasks import HumanTasks
from healthbridge.timeline_worker import open_timeline_recorder
from healthbridge.worker import Worker, open_worker
from healthbridge.workflows.operations import WorkflowAdmin
from healthbridge.workflows.worker import open_workflow_worker

LOG_WIDTH = 200
"""Columns of the timeline printed to a log (not a terminal): a full record and trace id fit."""

DEMO_MODELS = ("res.partner", "product.product", "stock.quant", "purchase.order", "account.move")


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)


def demo(
    duration: Annotated[
        float, typer.Option(min=0, help="Stop after this many seconds; 0 runs until Ctrl-C.")
    ] = 0,
    port: Annotated[
        int | None, typer.Option(help="Hub port (default server.port; 0: free).")
    ] = None,
    live: Annotated[
        bool, typer.Option(help="Redraw a live table; --no-live prints plain lines (for logs).")
    ] = True,
    interval: Annotated[
        float, typer.Option(min=0.1, max=60, help="Seconds between simulated Odoo edits.")
    ] = 1.5,
    snapshot: Annotated[
        Path | None,
        typer.Option(help="At the end, save the final screen as an SVG picture to this file."),
    ] = None,
) -> None:
    """Start the hub with an embedded Odoo sandbox and watch changes being captured live.

    In one process: an Odoo 19 sandbox with healthcare demo data, the hub's webhook
    receiver and write_date poller, and automation rules installed in the sandbox through
    Odoo's API. A simulated user then edits records as people do (stock counts in wards,
    purchase orders confirmed, invoices posted, suppliers edited); one rule set up by hand
    without trigger fields makes Odoo send duplicate webhooks, and now and then a webhook
    is lost on the way. The table shows each change once, which path saw it (webhook,
    poller or both) and how many notifications Odoo sent for it. At the end it prints the
    timeline of the ward's supply transaction across systems and where its metrics are.

    Examples:

        healthbridge demo

        healthbridge demo --duration 30 --no-live

        healthbridge demo --port 0 --interval 0.5

        healthbridge demo --duration 20 --snapshot docs/demo.svg
    """
    settings = _settings()
    if settings.odoo.url is not None:
        fail("the demo runs its own Odoo sandbox: unset odoo.url (HEALTHBRIDGE_ODOO__URL)")
    demo_settings = settings.model_copy(
        update={
            "data_dir": settings.data_dir / "demo",
            "server": settings.server.model_copy(
                update={"port": settings.server.port if port is None else port}
            ),
            "capture": settings.capture.model_copy(
                update={"models": DEMO_MODELS, "poll_interval_seconds": 3.0}
            ),
            # Retries a person can watch: seconds, not the production day-long schedule.
            "webhooks": settings.webhooks.model_copy(
                update={"retry_schedule_seconds": (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0)}
            ),
            # On loopback, for the person watching; a deployment scrapes with a token.
            # SLOs evaluated every few seconds, so `healthbridge slo status` has news.
            "observability": settings.observability.model_copy(
                update={"metrics_public": True, "slo_evaluation_interval_seconds": 5.0}
            ),
        }
    )
    _fresh(demo_settings)
    live = live and console.is_terminal  # a log file gets plain lines, not redraws
    run(_demo(demo_settings, duration, live, interval, snapshot))


def _fresh(settings: Settings) -> None:
    """Each demo starts from an empty store, so its figures describe this run only."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for pattern in ("healthbridge.db*", "dbos.sqlite*"):
        for path in settings.data_dir.glob(pattern):
            path.unlink()
    shutil.rmtree(settings.data_dir / "nats", ignore_errors=True)


async def _demo(
    configured: Settings, duration: float, live: bool, interval: float, snapshot: Path | None
) -> None:
    supplier = await start_supplier()
    configured = configured.model_copy(
        update={
            "workflows": configured.workflows.model_copy(
                update={
                    "supplier_url": supplier.url,
                    # 50 units at the supplier's price are above it: a person approves.
                    "approval_threshold": 100.0,
                    "reorder_point": 10.0,
                    "reorder_quantity": 50.0,
                    "task_due_seconds": 900.0,
                }
            )
        }
    )
    try:
        await _demo_with_supplier(configured, duration, live, interval, snapshot)
    finally:
        await supplier.stop()


async def _demo_with_supplier(
    configured: Settings, duration: float, live: bool, interval: float, snapshot: Path | None
) -> None:
    sli = SliRecorder()
    async with embedded_odoo(configured) as (settings, sandbox):
        assert sandbox is not None  # the demo refuses a configured Odoo above
        async with (
            open_tracing(settings.observability),
            open_hub(settings, hook=OdooCallObserver(sli=sli)) as hub,
            open_workflow_worker(
                settings.workflows,
                data_dir=settings.data_dir,
                engine=hub.store.engine,
                odoo=hub.odoo,
                bus=hub.events,
            ),
            _workflow_operations(hub) as operations,
            open_hub_app(hub, extra_routers=operations) as surface,
            serve_http(surface.app, settings.server.host, settings.server.port) as http,
            open_worker(hub, api_base_url=http.url) as worker,
            open_timeline_recorder(
                hub.events,
                hub.odoo,
                hub.store.engine,
                reorder_point=settings.workflows.reorder_point,
            ),
        ):
            secret = settings.capture.webhook_secret
            assert secret is not None
            plan = await plan_webhook_rules(hub.odoo, DEMO_MODELS, http.url, secret)
            await apply_webhook_rules(hub.odoo, plan)
            admin = settings.model_copy(
                update={
                    "odoo": settings.odoo.model_copy(
                        update={"login": "admin", "api_key": SecretStr(sandbox.api_keys["admin"])}
                    )
                }
            )
            partner = await DemoPartner.register(worker.webhooks)
            await _adopt_example_catalog(hub, worker)
            async with (
                open_slo_monitor(
                    settings.observability,
                    hub.store.engine,
                    recorder=sli,
                    catalog_dir=settings.data_dir / "catalog",
                ),
                open_odoo(admin) as person,
                mllp_listener(settings, hub.inbound.handle, port=0) as listener,
            ):
                activity = DemoActivity(
                    person, sandbox, http.url, secret.get_secret_value(), listener.address
                )
                ward = DemoReplenishment(
                    person,
                    HumanTasks(hub.store.engine),
                    settings.data_dir,
                    settings.workflows.reorder_point,
                )
                await activity.install_hand_made_rule()
                await _capture_from_now(hub)
                try:
                    await _run_flow(
                        hub, activity, partner, ward, sandbox, http.url, duration, live, interval
                    )
                    if snapshot is not None:
                        await _save_snapshot(hub, activity, partner, ward, snapshot)
                finally:
                    await partner.stop()


@asynccontextmanager
async def _workflow_operations(hub: Hub) -> AsyncIterator[list[APIRouter]]:
    """The workflows and tasks API over the worker this process runs."""
    with WorkflowAdmin.open(hub.settings.workflows, hub.settings.data_dir) as admin:
        yield [operations_router(admin, HumanTasks(hub.store.engine))]


async def _adopt_example_catalog(hub: Hub, worker: Worker) -> None:
    """Apply the example catalog, as a governance board would after approving it.

    Its consumers become gateway clients and its webhook endpoints real endpoints, so
    `healthbridge plan` shows nothing left to do and `report portfolio` renders it.
    """
    section = hub.settings.governance
    catalog_dir = hub.settings.data_dir / "catalog"
    if not any(catalog_dir.glob("*.yaml")):
        write_example(catalog_dir)
    contracts_dir = section.contracts_dir
    if not contracts_dir.is_dir():  # run outside a checkout: the contracts of this version
        contracts_dir = hub.settings.data_dir / "contracts"
        write_contracts(contracts_dir, overwrite=True)
    sources = GovernanceSources(catalog_dir, contracts_dir, section.odoo_admin_logins)
    dispatcher = worker.webhooks.dispatcher
    try:
        outcome, registries = await apply_catalog(
            hub.store.engine,
            sources,
            applied_by="demo",
            approve_pending_as="demo-governance-board",
            reason="the demo adopts the example catalog of a hospital group",
            on_endpoints_changed=dispatcher.endpoints_changed if dispatcher else None,
        )
    except HealthbridgeError as exc:
        console.print(f"[yellow]the example catalog was not applied:[/] {exc.safe_message}")
        return
    console.print(
        f"applied the example catalog in {catalog_dir}: {len(outcome.applied)} changes, "
        f"{len(registries.created_clients)} clients and {len(registries.created_endpoints)} "
        f"webhook endpoints registered (see: healthbridge report portfolio --catalog {catalog_dir})"
    )


async def _capture_from_now(hub: Hub) -> None:
    """Start the watermarks at now, so the demo shows new edits, not the initial load.

    Waiting out the overlap window first keeps the demo data's own write_date outside
    the first round's re-read.
    """
    overlap = hub.settings.capture.overlap_seconds
    console.print(f"[dim]capturing from now on (waiting {overlap + 1:g} s past the demo data)[/]")
    await asyncio.sleep(overlap + 1)
    now = datetime.now(UTC)
    for model in hub.settings.capture.models:
        await hub.store.watermarks.set(Watermark(model=model, write_date=now, record_id=0))


async def _run_flow(
    hub: Hub,
    activity: DemoActivity,
    partner: DemoPartner,
    ward: DemoReplenishment,
    sandbox: RunningSandbox,
    hub_url: str,
    duration: float,
    live: bool,
    interval: float,
) -> None:
    stop = asyncio.Event()
    ending = asyncio.Event()  # Ctrl-C or SIGTERM: finish the round and print the summary
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, ending.set)
    poller = asyncio.create_task(hub.poller.run(stop), name="healthbridge-poller")
    deadline = time.monotonic() + duration if duration else None

    def going() -> bool:
        return not ending.is_set() and (deadline is None or time.monotonic() < deadline)

    async def pause() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ending.wait(), timeout=interval)

    header = (
        f"[bold]Odoo sandbox[/] {sandbox.url} (db {sandbox.database})   "
        f"[bold]hub[/] {hub_url}   poller every {hub.settings.capture.poll_interval_seconds:g} s\n"
        f"{metrics_line(hub.settings, hub_url)}   readiness [cyan]{hub_url}/health/ready[/]   "
        f"API docs [cyan]{hub_url}/docs[/]"
    )
    try:
        if live:
            with Live(console=console, refresh_per_second=4, transient=False) as screen:
                while going():
                    await activity.step()
                    for news in (await partner.step(), await ward.step()):
                        if news is not None:
                            activity.log.append(news)
                    screen.update(await _view(hub, activity, partner, ward, header))
                    await pause()
        else:
            console.print(header)
            while going():
                line = await activity.step()
                console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {line}")
                for news in (await partner.step(), await ward.step()):
                    if news is not None:
                        console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {news}")
                await pause()
        if partner.down:  # end on a working partner, so what was retried is delivered
            partner.down = False
            partner.receiver.recover()
        # Let the last webhooks land and give the poller a final round to catch the lost ones.
        await hub.intake.drain()
        await hub.poller.run_once()
    finally:
        stop.set()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        with contextlib.suppress(asyncio.CancelledError):
            await poller
    rows = await hub.store.changes.latest(15)
    console.print(changes_table(rows, title="Latest captured changes"))
    if activity.last_fhir_patient is not None:
        console.print("FHIR R4 Patient the hub would serve for the last admission:")
        console.print(JSON.from_data(activity.last_fhir_patient))
    console.print(Panel(await partner.summary(), title="Clinic CRM (webhook receiver)"))
    console.print(Panel(await ward.summary(), title="Supply replenishment (durable workflow)"))
    await print_supply_timeline(BusinessEvents(hub.store.engine), prefer=ward.run_prefix)
    console.print(await _summary(hub, activity))
    console.print(metrics_line(hub.settings, hub_url))


async def _save_snapshot(
    hub: Hub, activity: DemoActivity, partner: DemoPartner, ward: DemoReplenishment, path: Path
) -> None:
    """The final screen as an SVG, for READMEs and incident write-ups."""
    recorder = Console(record=True, width=150, file=io.StringIO())
    recorder.print(
        await _view(
            hub, activity, partner, ward, "Healthbridge demo: from Odoo to a partner, governed"
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    recorder.save_svg(str(path), title="healthbridge demo")
    console.print(f"saved a picture of the final screen to [cyan]{path}[/]")


async def _view(
    hub: Hub, activity: DemoActivity, partner: DemoPartner, ward: DemoReplenishment, header: str
) -> Group:
    rows = await hub.store.changes.latest(10)
    recent = "\n".join(activity.log[-6:]) or "[dim]starting...[/]"
    parts: list[Any] = [
        Panel(header + "\n" + await _summary(hub, activity), title="Healthbridge demo"),
        Panel(recent, title="What people are doing in Odoo and the EHR"),
        changes_table(rows, title="Captured changes (newest first)"),
        Panel(
            await partner.summary(),
            title="Clinic CRM: signed thin notifications (Standard Webhooks) from the hub",
        ),
        Panel(await ward.summary(), title="Supply replenishment: a durable workflow (DBOS)"),
    ]
    if activity.last_fhir_patient is not None:
        parts.append(
            Panel(
                # Folded compact JSON: a live screen has no room for pretty-printing.
                Text(json.dumps(activity.last_fhir_patient), overflow="fold", style="cyan"),
                title="FHIR R4 Patient the hub would serve for the last admission",
            )
        )
    return Group(*parts)


async def _summary(hub: Hub, activity: DemoActivity) -> str:
    rows = await hub.store.changes.latest(10_000)
    notifications = sum(row.seen_count for row in rows)
    webhook_seen = sum(1 for row in rows if "webhook" in row.sources)
    poller_only = sum(1 for row in rows if row.sources == ("poller",))
    return (
        f"captured [bold]{len(rows)}[/] changes from {notifications} notifications "
        f"({notifications - len(rows)} duplicates collapsed); {webhook_seen} seen by webhook, "
        f"[magenta]{poller_only} only by the poller[/]; "
        f"{activity.edits} edits made, {activity.lost} webhooks lost on purpose, "
        f"{activity.admissions} admissions over MLLP"
    )


def metrics_line(settings: Settings, hub_url: str) -> str:
    """Where the metrics are, and what a scraper needs to read them."""
    section = settings.observability
    if not section.metrics_enabled:
        return "metrics [dim]off (observability.metrics_enabled)[/]"
    access = (
        "public: observability.metrics_public is on"
        if section.metrics_public
        else f"needs a token with scope {section.metrics_scope}"
    )
    return f"metrics [cyan]{hub_url}/metrics[/] ({access})"


async def print_supply_timeline(
    events: BusinessEvents,
    *,
    prefer: str | None = None,
    within: float = 5.0,
    out: Console | None = None,
) -> str | None:
    """Print the timeline of one supply transaction; its key, or None when there is none.

    ``prefer`` is how the ward's run ids start (``replenishment-<product>-<location>-``):
    its run is the one the demo tells about, so it is shown first, waiting up to
    ``within`` seconds for its steps, which arrive through the event backbone a moment
    after the edit that made them. Without it, the latest replenishment run is shown,
    else the latest supply key (an order the simulated buyer confirmed).
    """
    out = out or console
    deadline = time.monotonic() + (within if prefer else 0.0)
    while True:
        keys = await events.recent_keys(50)
        if prefer is None or any(k.startswith(SUPPLY_KEY_PREFIX + prefer) for k in keys):
            break
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.2)
    key = next(
        (
            k
            for start in (prefer, REPLENISHMENT_PREFIX, "")
            if start is not None
            for k in keys
            if k.startswith(SUPPLY_KEY_PREFIX + start)
        ),
        None,
    )
    if key is None:
        out.print(
            f"[dim]no business transaction recorded yet: a ward runs low at step {LOW_AT_STEP} "
            "and its supply request starts one (healthbridge trace recent)[/]"
        )
        return None
    out.print("One business transaction across systems (healthbridge trace business KEY):")
    timeline = await business_timeline(events, key, utc_now())
    if not out.is_terminal and out.width < LOG_WIDTH:
        # A log file has no width of its own: ids folded into 80 columns cannot be read.
        out = Console(file=out.file, width=LOG_WIDTH, color_system=None, highlight=False)
    print_timeline(timeline, out)
    return key


def serve(
    port: Annotated[int | None, typer.Option(help="Hub port (default server.port).")] = None,
    delivery_workers: Annotated[
        int,
        typer.Option(
            min=0,
            max=32,
            help="Deliver webhooks from this many `healthbridge worker` processes, so the "
            "outbound path uses more cores (0: in this process).",
        ),
    ] = 0,
) -> None:
    """Run the hub: the Odoo webhook receiver and the write_date poller, until Ctrl-C.

    With odoo.url set it captures changes from that Odoo (key from
    HEALTHBRIDGE_ODOO__API_KEY); without it, it starts an embedded Odoo sandbox. Install
    the automation rules once with `healthbridge odoo install-webhooks`. It also runs the
    SLO monitor (burn-rate alerts routed by tier; see `healthbridge slo status`) and the
    recorder of business timelines (`healthbridge trace recent`). With
    --delivery-workers, webhook fan-out and delivery run in worker processes that serve
    starts, restarts if one exits, and stops with it.

    Examples:

        HEALTHBRIDGE_ODOO__URL=https://erp.example.org HEALTHBRIDGE_ODOO__API_KEY=... \\
        HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET=... healthbridge serve

        healthbridge serve --port 8700 --delivery-workers 1
    """
    settings = _settings()
    if port is not None:
        settings = settings.model_copy(
            update={"server": settings.server.model_copy(update={"port": port})}
        )
    if delivery_workers:
        webhooks = settings.webhooks.model_copy(
            update={"fanout_enabled": False, "dispatcher_enabled": False}
        )
        settings = settings.model_copy(update={"webhooks": webhooks})
    run(_serve(settings, delivery_workers))


async def _serve(configured: Settings, workers: int = 0) -> None:
    async with (
        serving(configured) as (hub, url, sandbox_url),
        delivery_workers(workers, hub.settings, hub.events.url) as pids,
    ):
        where = f"embedded sandbox {sandbox_url}" if sandbox_url else hub.settings.odoo.url
        delivering = f"; webhooks delivered by worker pids {pids}" if pids else ""
        console.print(
            f"hub listening on [bold]{url}[/]; Odoo: {where} "
            f"({hub.odoo.protocol}, Odoo {hub.odoo.server_version}){delivering}; "
            f"Ctrl-C stops it\n{metrics_line(hub.settings, url)}"
        )
        await hub.poller.run()


@asynccontextmanager
async def serving(configured: Settings) -> AsyncIterator[tuple[Hub, str, str | None]]:
    """The ``serve`` process: hub, HTTP app, worker, SLO monitor and timeline recorder.

    Yields the hub, its URL and the embedded sandbox's URL (None with a configured Odoo);
    on exit each part stops in reverse order, the SLO monitor flushing its last counts.
    ``serve`` runs no workflows, so its timeline recorder records no supply request.
    """
    sli = SliRecorder()
    async with (
        embedded_odoo(configured) as (settings, sandbox),
        open_tracing(settings.observability),
        open_hub(settings, hook=OdooCallObserver(sli=sli)) as hub,
        open_hub_app(hub) as surface,
        serve_http(surface.app, settings.server.host, settings.server.port) as http,
        open_worker(hub, api_base_url=http.url),
        open_timeline_recorder(hub.events, hub.odoo, hub.store.engine, reorder_point=None),
        open_slo_monitor(
            settings.observability,
            hub.store.engine,
            recorder=sli,
            catalog_dir=settings.governance.catalog_dir,
        ),
    ):
        yield hub, http.url, sandbox.url if sandbox else None
