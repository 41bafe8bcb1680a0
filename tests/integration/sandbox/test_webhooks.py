"""Automation-rule webhooks leave the sandbox the way they leave Odoo 19.0 (facts, section 4)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.sandbox.odoo.webhook_sender import WebhookSender
from tests.integration.sandbox.calls import execute_kw, json2, xml_result, xmlrpc_call
from tests.integration.sandbox.receiver import ReceivedRequest, Receiver, closed_port_url
from tests.integration.sandbox.rules import a_partner, install_rule

ODOO_HEADERS = [
    "User-Agent: python-requests/2.31.0",
    "Accept-Encoding: gzip, deflate",
    "Accept: */*",
    "Connection: keep-alive",
    "Content-Type: application/json",
]


async def write_email(sandbox: RunningSandbox, partner_id: int, email: str) -> tuple[bytes, float]:
    started = time.monotonic()
    response = await json2(
        sandbox, "res.partner", "write", {"ids": [partner_id], "vals": {"email": email}}
    )
    assert response.status == 200, response.body
    return response.body, time.monotonic() - started


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = await Receiver().start()
    try:
        yield receiver
    finally:
        await receiver.close()


async def test_a_write_posts_odoo_s_exact_request_to_the_receiver(odoo_sandbox, receiver):
    partner_id = await a_partner(odoo_sandbox)
    action_id = await install_rule(odoo_sandbox, receiver.url())

    body, _ = await write_email(odoo_sandbox, partner_id, "probe@example.com")

    assert body == b"true"
    (request,) = receiver.received
    assert request.request_line == "POST /hooks/odoo/partners?token=s3cret HTTP/1.1"
    assert request.header_lines == [
        f"Host: 127.0.0.1:{receiver.port}",
        *ODOO_HEADERS,
        f"Content-Length: {len(request.body)}",
    ]
    (delivery,) = odoo_sandbox.webhook_log.entries()
    assert request.body == delivery.body
    assert delivery.outcome == "succeeded"
    assert delivery.status == 200
    payload = json.loads(request.body)
    assert request.body == json.dumps(payload, sort_keys=True).encode()
    assert payload["_action"] == f"Notify hub(#{action_id})"
    assert (payload["_id"], payload["_model"], payload["id"]) == (
        partner_id,
        "res.partner",
        partner_id,
    )
    assert payload["email"] == "probe@example.com"


async def test_the_post_goes_out_after_the_commit_and_before_the_rpc_answers(
    odoo_sandbox, receiver
):
    partner_id = await a_partner(odoo_sandbox)
    await install_rule(odoo_sandbox, receiver.url())
    seen: list[object] = []

    async def read_back(request: ReceivedRequest) -> None:
        response = await json2(
            odoo_sandbox, "res.partner", "read", {"ids": [partner_id], "fields": ["email"]}
        )
        seen.append(response.json()[0]["email"])

    receiver.on_request = read_back

    started = time.monotonic()
    await write_email(odoo_sandbox, partner_id, "committed@example.com")
    answered = time.monotonic()

    assert seen == ["committed@example.com"]
    (request,) = receiver.received
    assert started < request.arrived < answered
    assert receiver.answered[0] < answered


async def test_several_posts_are_sent_one_after_another(odoo_sandbox, receiver):
    await install_rule(odoo_sandbox, receiver.url())
    ids = (
        await json2(
            odoo_sandbox,
            "res.partner",
            "create",
            {"vals_list": [{"name": f"Batch {i}"} for i in range(3)]},
        )
    ).json()

    assert len(receiver.received) == 3
    assert [json.loads(r.body)["_id"] for r in receiver.received] == ids
    for previous_answer, following in zip(receiver.answered, receiver.received[1:], strict=False):
        assert following.arrived >= previous_answer
    assert [d.body for d in odoo_sandbox.webhook_log] == [r.body for r in receiver.received]


async def test_a_slow_receiver_delays_the_rpc_by_about_a_second_per_post(odoo_sandbox, receiver):
    receiver.delay = 3.0
    await install_rule(odoo_sandbox, receiver.url())

    started = time.monotonic()
    response = await json2(
        odoo_sandbox,
        "res.partner",
        "create",
        {"vals_list": [{"name": "Slow A"}, {"name": "Slow B"}]},
    )
    elapsed = time.monotonic() - started

    assert response.status == 200
    assert len(response.json()) == 2
    assert 2.0 <= elapsed < 3.5
    assert len(receiver.received) == 2
    assert [d.outcome for d in odoo_sandbox.webhook_log] == ["timed_out", "timed_out"]


async def test_a_receiver_that_is_down_does_not_fail_the_rpc(odoo_sandbox):
    partner_id = await a_partner(odoo_sandbox)
    await install_rule(odoo_sandbox, closed_port_url())

    body, elapsed = await write_email(odoo_sandbox, partner_id, "down@example.com")

    assert body == b"true"
    assert elapsed < 1.0
    (delivery,) = odoo_sandbox.webhook_log.entries()
    assert delivery.outcome == "unreachable"
    assert delivery.status is None
    read = await json2(
        odoo_sandbox, "res.partner", "read", {"ids": [partner_id], "fields": ["email"]}
    )
    assert read.json()[0]["email"] == "down@example.com"


async def test_a_receiver_error_is_only_logged_and_not_retried(odoo_sandbox, receiver):
    receiver.status = 500
    partner_id = await a_partner(odoo_sandbox)
    await install_rule(odoo_sandbox, receiver.url())

    body, _ = await write_email(odoo_sandbox, partner_id, "error@example.com")

    assert body == b"true"
    assert len(receiver.received) == 1
    (delivery,) = odoo_sandbox.webhook_log.entries()
    assert (delivery.outcome, delivery.status) == ("failed", 500)


async def test_a_failing_write_posts_nothing(odoo_sandbox, receiver):
    partner_id = await a_partner(odoo_sandbox)
    await install_rule(odoo_sandbox, receiver.url())

    response = await json2(
        odoo_sandbox, "res.partner", "write", {"ids": [partner_id], "vals": {"name": False}}
    )

    assert response.status == 422
    assert receiver.received == []
    assert len(odoo_sandbox.webhook_log) == 0


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
async def test_the_legacy_protocols_send_webhooks_too(odoo_sandbox, receiver, protocol):
    partner_id = await a_partner(odoo_sandbox)
    await install_rule(odoo_sandbox, receiver.url())
    args = [[partner_id], {"email": f"{protocol}@example.com"}]

    if protocol == "jsonrpc":
        result = (await execute_kw(odoo_sandbox, "res.partner", "write", args)).json()["result"]
    else:
        result = xml_result(
            await xmlrpc_call(
                odoo_sandbox,
                "object",
                "execute_kw",
                (odoo_sandbox.database, 2, "admin", "res.partner", "write", args),
            )
        )

    assert result is True
    (request,) = receiver.received
    assert json.loads(request.body)["email"] == f"{protocol}@example.com"


async def test_the_webhook_log_keeps_only_the_most_recent_deliveries(receiver):
    sender = WebhookSender(log_size=3, timeout=1.0)

    class Post:
        url = receiver.url()
        body = b'{"_id": 1}'

    try:
        await sender.send_all([Post()] * 5)
    finally:
        await sender.close()

    assert len(receiver.received) == 5
    assert len(sender.log) == 3
    assert all(delivery.outcome == "succeeded" for delivery in sender.log)
