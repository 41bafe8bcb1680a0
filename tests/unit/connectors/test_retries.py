"""Reads and idempotent calls are retried after transient failures; writes never are."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable

import pytest

from healthbridge.connectors.odoo import (
    OdooClient,
    OdooServerError,
    OdooTimeout,
    OdooTransportError,
    OdooValidationError,
    RetryPolicy,
    may_retry,
)
from tests.unit.connectors.conftest import PROTOCOLS
from tests.unit.connectors.scripted_odoo import (
    Protocol,
    Reply,
    ScriptedOdoo,
    html_page,
    json2_error,
    jsonrpc_error,
    success,
    traceback_text,
    xmlrpc_fault,
)

Connect = Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]

UNAVAILABLE = html_page(503, "Service Unavailable", "The server is temporarily unavailable.")
DROPPED = Reply(drop=True)


def server_error(protocol: Protocol) -> Reply:
    """Odoo's own answer to an unexpected exception, as each protocol sends it."""
    message = "the sandbox injected a server error"
    if protocol == "json2":
        return json2_error("builtins.RuntimeError", message, status=500)
    if protocol == "jsonrpc":
        return jsonrpc_error("builtins.RuntimeError", message)
    return xmlrpc_fault(1, traceback_text(f"RuntimeError: {message}"))


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("failure", ["503 page", "dropped connection", "Odoo server error"])
async def test_a_read_is_retried_after_transient_failures_until_it_succeeds(
    connected: Connect, protocol: Protocol, failure: str
) -> None:
    server, client = await connected(protocol, retry_attempts=3)
    bad = {"503 page": UNAVAILABLE, "dropped connection": DROPPED}.get(
        failure, server_error(protocol)
    )
    server.on("res.partner", "search_count", bad, bad, success(protocol, 90))

    assert await client.search_count("res.partner") == 90
    assert len(server.calls("res.partner", "search_count")) == 3


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("method", ["create", "write", "unlink", "button_confirm"])
async def test_writes_and_workflow_calls_are_never_retried(
    connected: Connect, protocol: Protocol, method: str
) -> None:
    server, client = await connected(protocol, retry_attempts=5)
    server.on("purchase.order", method, UNAVAILABLE, success(protocol, True))

    attempt: Callable[[], Awaitable[object]] = {
        "create": lambda: client.create("purchase.order", [{"partner_id": 8}]),
        "write": lambda: client.write("purchase.order", [1], {"notes": "x"}),
        "unlink": lambda: client.unlink("purchase.order", [1]),
        "button_confirm": lambda: client.call("purchase.order", method, [1]),
    }[method]

    with pytest.raises(OdooServerError):
        await attempt()

    assert len(server.calls("purchase.order", method)) == 1


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_write_whose_connection_dropped_is_not_sent_again(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol, retry_attempts=5)
    server.on("account.move", "action_post", DROPPED, success(protocol, False))

    with pytest.raises(OdooTransportError, match="may or may not"):
        await client.call("account.move", "action_post", [3])

    assert len(server.calls("account.move", "action_post")) == 1


async def test_a_call_marked_idempotent_is_retried(connected: Connect) -> None:
    server, client = await connected("json2", retry_attempts=3)
    server.on("stock.quant", "action_refresh", UNAVAILABLE, success("json2", True))

    assert await client.call("stock.quant", "action_refresh", [1], idempotent=True) is True
    assert len(server.calls("stock.quant", "action_refresh")) == 2


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_business_errors_are_never_retried_even_for_reads(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol, retry_attempts=5)
    text = "Invalid language code: fr_FR"
    refusal = {
        "json2": json2_error("odoo.exceptions.UserError", text, status=422),
        "jsonrpc": jsonrpc_error("odoo.exceptions.UserError", text),
        "xmlrpc": xmlrpc_fault(2, text),
    }[protocol]
    server.on("res.partner", "search_read", refusal)

    with pytest.raises(OdooValidationError):
        await client.search_read("res.partner", [], ["name"], limit=1, context={"lang": "fr_FR"})

    assert len(server.calls("res.partner", "search_read")) == 1


async def test_a_read_that_keeps_timing_out_is_tried_retry_attempts_times(
    connected: Connect,
) -> None:
    server, client = await connected("json2", retry_attempts=2, timeout_seconds=0.2)
    server.on("res.partner", "search_count", Reply(b"90", delay=1.0))

    with pytest.raises(OdooTimeout):
        await client.search_count("res.partner")

    assert len(server.calls("res.partner", "search_count")) == 2


@pytest.mark.parametrize("method", sorted(["search_read", "read", "search", "search_count"]))
def test_reads_may_be_retried_and_other_methods_only_when_idempotent(method: str) -> None:
    assert may_retry(method)
    assert not may_retry("create")
    assert not may_retry("action_post")
    assert may_retry("action_post", idempotent=True)


def test_backoff_is_jittered_below_an_exponential_step_and_never_above_the_ceiling() -> None:
    policy = RetryPolicy(attempts=10, initial_backoff_seconds=0.1, max_backoff_seconds=2.0)

    for attempt in range(1, 10):
        draws = [policy.backoff(attempt) for _ in range(200)]
        step = min(2.0, 0.1 * 2 ** (attempt - 1))
        assert all(0.0 <= draw <= step for draw in draws)
        assert len(set(draws)) > 150, "full jitter: draws differ"
        assert statistics.mean(draws) == pytest.approx(step / 2, rel=0.25)
    assert max(policy.backoff(30) for _ in range(500)) <= 2.0


async def test_the_policy_sleeps_between_attempts_and_reraises_the_last_error() -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    policy = RetryPolicy(
        attempts=4,
        initial_backoff_seconds=1.0,
        max_backoff_seconds=3.0,
        retry_on=lambda exc: isinstance(exc, ConnectionError),
        sleep=record,
    )
    attempts = 0

    async def always_failing() -> None:
        nonlocal attempts
        attempts += 1
        raise ConnectionError(f"attempt {attempts}")

    with pytest.raises(ConnectionError, match="attempt 4"):
        await policy.run(always_failing)

    assert attempts == 4
    assert len(slept) == 3
    ceilings = [1.0, 2.0, 3.0]  # 1 s doubling per attempt, capped at 3 s
    assert all(0.0 <= seconds <= cap for seconds, cap in zip(slept, ceilings, strict=True))


async def test_a_first_attempt_that_succeeds_never_sleeps() -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    async def fine() -> str:
        return "rows"

    assert await RetryPolicy(attempts=3, sleep=record).run(fine) == "rows"
    assert slept == []


async def test_the_policy_does_not_retry_what_retry_on_refuses() -> None:
    policy = RetryPolicy(attempts=4, retry_on=lambda exc: False)
    attempts = 0

    async def failing() -> None:
        nonlocal attempts
        attempts += 1
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        await policy.run(failing)

    assert attempts == 1
