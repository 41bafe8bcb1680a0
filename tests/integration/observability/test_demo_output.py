"""What the demo prints at its end: where its metrics are, and one business timeline."""

from __future__ import annotations

import io
import time
from datetime import timedelta

from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.cli.demo_cmd import metrics_line, print_supply_timeline
from healthbridge.core.clock import utc_now
from healthbridge.core.sections.observability import ObservabilitySettings
from healthbridge.core.settings import Settings
from healthbridge.store.business_events import BusinessEvents

HUB = "http://127.0.0.1:8700"
RUN = "replenishment-1-12-aeae49a2-da94-50a9-8574-c25fb7daa798"


def _recording(width: int = 200) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, color_system=None), out


def test_the_metrics_line_says_how_a_scraper_gets_in() -> None:
    public = Settings(observability=ObservabilitySettings(metrics_public=True))
    assert metrics_line(public, HUB) == (
        f"metrics [cyan]{HUB}/metrics[/] (public: observability.metrics_public is on)"
    )
    scoped = Settings(observability=ObservabilitySettings(metrics_scope="ops.metrics"))
    assert metrics_line(scoped, HUB).endswith("(needs a token with scope ops.metrics)")
    off = Settings(observability=ObservabilitySettings(metrics_enabled=False))
    assert "/metrics" not in metrics_line(off, HUB)


async def _chains(events: BusinessEvents) -> None:
    """The ward's run with a late order, then a later run, then a buyer's order."""
    start = utc_now() - timedelta(hours=3)
    await events.record(f"supply:{RUN}", "supply_request", "hub", f"workflow/{RUN}", start)
    await events.record(
        f"supply:{RUN}",
        "purchase_order",
        "odoo",
        "purchase.order/17 P00017",
        start + timedelta(hours=2),
    )
    later = "supply:replenishment-8-16-x"
    await events.record(later, "supply_request", "hub", "workflow/r", utc_now())
    await events.record("supply:P00042", "purchase_order", "odoo", "purchase.order/42", utc_now())
    await events.record("adt:x", "admission", "ehr", "hl7-message/1", utc_now())


async def test_the_wards_own_run_is_printed_with_its_late_step(
    store_engine: AsyncEngine,
) -> None:
    events = BusinessEvents(store_engine)
    await _chains(events)
    console, out = _recording(width=80)  # a log file's default width

    key = await print_supply_timeline(events, prefer="replenishment-1-12-", out=console)

    assert key == f"supply:{RUN}"
    text = out.getvalue()
    assert f"supply:{RUN}  chain supply" in text
    # Printed wide enough for whole records, not folded into 80 columns.
    assert "purchase.order/17 P00017" in text
    assert f"workflow/{RUN}" in text
    assert "1 step(s) not in time: purchase_order (late)" in text


async def test_without_the_wards_run_the_latest_run_comes_before_a_buyers_order(
    store_engine: AsyncEngine,
) -> None:
    events = BusinessEvents(store_engine)
    await _chains(events)
    console, _ = _recording()
    assert await print_supply_timeline(events, out=console) == "supply:replenishment-8-16-x"
    started = time.monotonic()
    waited = await print_supply_timeline(
        events, prefer="replenishment-2-2-", within=0.5, out=console
    )
    assert waited == "supply:replenishment-8-16-x"
    assert time.monotonic() - started >= 0.5


async def test_with_no_supply_transaction_yet_it_says_what_starts_one(
    store_engine: AsyncEngine,
) -> None:
    console, out = _recording()
    key = await print_supply_timeline(BusinessEvents(store_engine), out=console)
    assert key is None
    assert "no business transaction recorded yet: a ward runs low at step 4" in out.getvalue()


async def test_with_only_a_buyers_order_that_order_is_printed(
    store_engine: AsyncEngine,
) -> None:
    events = BusinessEvents(store_engine)
    await events.record("supply:P00042", "purchase_order", "odoo", "purchase.order/42", utc_now())
    console, out = _recording()
    assert await print_supply_timeline(events, out=console) == "supply:P00042"
    assert "supply_request" in out.getvalue()
    assert "(missing)" in out.getvalue()
