"""The client's circuit breaker and deadlines, against a misbehaving loopback Odoo."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import pytest

from healthbridge.connectors.odoo import (
    OdooClient,
    OdooServerError,
    OdooTimeout,
    OdooUnknownField,
    OdooValidationError,
)
from healthbridge.resilience import BreakerState, CircuitOpenError
from tests.unit.connectors.conftest import PROTOCOLS, FakeClock, fast_settings
from tests.unit.connectors.scripted_odoo import (
    CONTEXT_GET,
    Protocol,
    Reply,
    ScriptedOdoo,
    html_page,
    json2_error,
    jsonrpc_error,
    success,
    xmlrpc_fault,
)

Connect = Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]

UNAVAILABLE = html_page(503, "Service Unavailable", "The server is temporarily unavailable.")


def validation_error(protocol: Protocol) -> Reply:
    text = "The operation cannot be completed: Contacts require a name"
    if protocol == "json2":
        return json2_error("odoo.exceptions.ValidationError", text, status=422)
    if protocol == "jsonrpc":
        return jsonrpc_error("odoo.exceptions.ValidationError", text)
    return xmlrpc_fault(2, text)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_breaker_opens_after_consecutive_failures_and_then_fails_fast(
    connected: Connect, protocol: Protocol
) -> None:
    clock = FakeClock()
    server, client = await connected(
        protocol, clock=clock, retry_attempts=1, breaker_failure_threshold=3
    )
    server.on("res.partner", "search_count", UNAVAILABLE)

    for _ in range(3):
        with pytest.raises(OdooServerError):
            await client.search_count("res.partner")
    with pytest.raises(CircuitOpenError) as caught:
        await client.search_count("res.partner")

    assert client.breaker.state is BreakerState.OPEN
    assert len(server.calls("res.partner", "search_count")) == 3, "the 4th never left"
    assert caught.value.retry_after == pytest.approx(client.breaker.reset_seconds)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_after_the_reset_time_one_probe_goes_through_and_a_success_closes_it(
    connected: Connect, protocol: Protocol
) -> None:
    clock = FakeClock()
    server, client = await connected(
        protocol,
        clock=clock,
        retry_attempts=1,
        breaker_failure_threshold=2,
        breaker_reset_seconds=30,
    )
    server.on("res.partner", "search_count", UNAVAILABLE, UNAVAILABLE, success(protocol, 90))
    for _ in range(2):
        with pytest.raises(OdooServerError):
            await client.search_count("res.partner")

    clock.advance(29)
    with pytest.raises(CircuitOpenError):
        await client.search_count("res.partner")
    clock.advance(1)
    assert client.breaker.state is BreakerState.HALF_OPEN

    assert await client.search_count("res.partner") == 90
    assert client.breaker.state is BreakerState.CLOSED  # type: ignore[comparison-overlap]


async def test_a_failed_probe_opens_the_breaker_again(connected: Connect) -> None:
    clock = FakeClock()
    server, client = await connected(
        "json2", clock=clock, retry_attempts=1, breaker_failure_threshold=1
    )
    server.on("res.partner", "search_count", UNAVAILABLE)
    with pytest.raises(OdooServerError):
        await client.search_count("res.partner")

    clock.advance(client.breaker.reset_seconds)
    with pytest.raises(OdooServerError):
        await client.search_count("res.partner")

    assert client.breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        await client.search_count("res.partner")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_business_errors_do_not_open_the_breaker(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol, breaker_failure_threshold=2)
    server.on("res.partner", "create", validation_error(protocol))

    for _ in range(5):
        with pytest.raises(OdooValidationError):
            await client.create("res.partner", [{"email": "x@y.example"}])

    assert client.breaker.state is BreakerState.CLOSED
    assert len(server.calls("res.partner", "create")) == 5


async def test_caller_mistakes_reported_as_500_do_not_open_the_breaker(
    connected: Connect,
) -> None:
    server, client = await connected("json2", breaker_failure_threshold=2)
    server.on(
        "res.partner",
        "search_read",
        json2_error(
            "builtins.ValueError", "Invalid field 'nope_field' on 'res.partner'", status=500
        ),
    )

    for _ in range(3):
        with pytest.raises(OdooUnknownField):
            await client.search_read("res.partner", [], ["nope_field"], limit=1)

    assert client.breaker.state is BreakerState.CLOSED


async def test_a_success_resets_the_count_of_consecutive_failures(connected: Connect) -> None:
    server, client = await connected("json2", retry_attempts=1, breaker_failure_threshold=2)
    server.on("res.partner", "search_count", UNAVAILABLE, success("json2", 1), UNAVAILABLE)

    with pytest.raises(OdooServerError):
        await client.search_count("res.partner")
    await client.search_count("res.partner")
    with pytest.raises(OdooServerError):
        await client.search_count("res.partner")

    assert client.breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_slow_answer_ends_in_a_timeout_at_the_deadline(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol, timeout_seconds=0.3, retry_attempts=1)
    server.on("res.partner", "write", Reply(b"true", delay=2.0))

    started = time.perf_counter()
    with pytest.raises(OdooTimeout, match=r"within 0\.3 s") as caught:
        await client.write("res.partner", [1], {"name": "x"})

    assert time.perf_counter() - started < 1.0
    assert caught.value.transient
    assert len(server.calls("res.partner", "write")) == 1


async def test_timeouts_count_against_the_breaker(connected: Connect) -> None:
    server, client = await connected(
        "json2", timeout_seconds=0.2, retry_attempts=1, breaker_failure_threshold=2
    )
    server.on("res.partner", "search_count", Reply(b"1", delay=1.0))

    for _ in range(2):
        with pytest.raises(OdooTimeout):
            await client.search_count("res.partner")

    assert client.breaker.state is BreakerState.OPEN


async def test_a_call_can_ask_for_a_longer_deadline_than_the_default(connected: Connect) -> None:
    server, client = await connected("json2", timeout_seconds=0.2)
    server.on("account.move", "action_post", Reply(b"false", delay=0.4))

    result = await client.call("account.move", "action_post", [3], timeout_seconds=2.0)

    assert result is False


async def test_the_start_up_handshake_gets_the_connect_deadline_and_calls_the_call_deadline(
    scripted_server: Callable[..., Awaitable[ScriptedOdoo]],
) -> None:
    server = await scripted_server("json2")
    server.on("res.users", "context_get", Reply.text(CONTEXT_GET, delay=0.5))
    settings = fast_settings(server.url, timeout_seconds=0.2, connect_timeout_seconds=2.0)

    client = await OdooClient.connect(settings)  # a 0.5 s login fits the 2 s handshake
    try:
        server.on("res.partner", "search_count", Reply(b"1", delay=0.5))
        with pytest.raises(OdooTimeout):
            await client.search_count("res.partner")  # but a 0.5 s call misses its 0.2 s
    finally:
        await client.close()
