"""Against a misbehaving Odoo sandbox: timeouts, retried reads, and the breaker opening."""

from __future__ import annotations

import time

import pytest

from healthbridge.connectors.odoo import (
    CallReport,
    OdooServerError,
    OdooTimeout,
    OdooTransportError,
)
from healthbridge.resilience import BreakerState, CircuitOpenError
from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.connectors.conftest import Connect, FakeClock

PROTOCOLS = ["json2", "jsonrpc", "xmlrpc"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_slow_odoo_ends_in_a_timeout_and_the_write_is_not_repeated(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    reports: list[CallReport] = []
    client = await odoo_connect(
        odoo_sandbox, protocol=protocol, timeout_seconds=0.3, hook=reports.append
    )
    odoo_sandbox.faults.slow(2.0, model="res.partner")

    started = time.perf_counter()
    with pytest.raises(OdooTimeout):
        await client.write("res.partner", [1], {"comment": "slow"})

    assert time.perf_counter() - started < 1.5
    assert (reports[-1].method, reports[-1].attempts) == ("write", 1)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_failing_reads_are_retried_until_odoo_answers(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    reports: list[CallReport] = []
    client = await odoo_connect(
        odoo_sandbox, protocol=protocol, retry_attempts=3, hook=reports.append
    )
    odoo_sandbox.faults.fail("server_error", model="res.partner", count=2)

    rows = await client.search_read("res.partner", [], ["name"], limit=5)

    assert len(rows) == 5
    assert (reports[-1].outcome, reports[-1].attempts) == ("ok", 3)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_failing_write_is_reported_at_once_and_not_retried(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    reports: list[CallReport] = []
    client = await odoo_connect(
        odoo_sandbox, protocol=protocol, retry_attempts=3, hook=reports.append
    )
    odoo_sandbox.faults.fail("server_error", model="res.partner", count=1)

    with pytest.raises(OdooServerError):
        await client.create("res.partner", [{"name": "Only once"}])

    assert reports[-1].attempts == 1
    assert await client.search_count("res.partner", [("name", "=", "Only once")]) == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_odoo_that_is_down_opens_the_breaker_which_then_fails_fast(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    clock = FakeClock()
    client = await odoo_connect(
        odoo_sandbox,
        protocol=protocol,
        clock=clock,
        retry_attempts=1,
        breaker_failure_threshold=3,
        breaker_reset_seconds=30,
    )
    odoo_sandbox.faults.down()

    for _ in range(3):
        with pytest.raises(OdooTransportError):
            await client.search_count("res.partner")
    assert client.breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        await client.search_count("res.partner")

    odoo_sandbox.faults.clear()
    clock.seconds += 30
    assert await client.search_count("res.partner") > 0
    assert client.breaker.state is BreakerState.CLOSED  # type: ignore[comparison-overlap]


async def test_a_hanging_odoo_times_out_and_counts_against_the_breaker(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect
) -> None:
    client = await odoo_connect(
        odoo_sandbox, timeout_seconds=0.2, retry_attempts=1, breaker_failure_threshold=2
    )
    odoo_sandbox.faults.hang(model="res.partner")

    for _ in range(2):
        with pytest.raises(OdooTimeout):
            await client.search_count("res.partner")

    assert client.breaker.state is BreakerState.OPEN
    odoo_sandbox.faults.clear()
