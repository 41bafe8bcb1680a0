"""The control API (``/_sandbox/*``) steers the sandbox from another process, behind its token."""

from __future__ import annotations

import pytest

from tests.integration.sandbox.calls import json2
from tests.integration.sandbox.rawhttp import post_json, raw_request
from tests.integration.sandbox.receiver import Receiver
from tests.integration.sandbox.rules import install_rule


def token(sandbox) -> dict[str, str]:
    return {"X-Sandbox-Token": sandbox.control_token}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_sandbox/info"),
        ("GET", "/_sandbox/faults"),
        ("POST", "/_sandbox/faults"),
        ("DELETE", "/_sandbox/faults"),
        ("GET", "/_sandbox/webhooks"),
        ("DELETE", "/_sandbox/webhooks"),
        ("POST", "/_sandbox/reset"),
    ],
)
@pytest.mark.parametrize("given", [None, "wrong-token"])
async def test_every_control_route_needs_the_token(odoo_sandbox, method, path, given):
    headers = {"X-Sandbox-Token": given} if given else {}

    response = await raw_request(odoo_sandbox.url, method, path, body=b"{}", headers=headers)

    assert response.status == 401
    assert "X-Sandbox-Token" in response.json()["error"]


async def test_info_tells_a_client_the_database_and_its_keys(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url, "GET", "/_sandbox/info", headers=token(odoo_sandbox)
    )

    assert response.json() == {
        "database": odoo_sandbox.database,
        "server_version": "19.0",
        "api_keys": odoo_sandbox.api_keys,
    }


async def test_a_fault_added_over_http_applies_and_is_listed_then_cleared(odoo_sandbox):
    added = await post_json(
        odoo_sandbox.url,
        "/_sandbox/faults",
        {"kind": "server_error", "model": "res.partner", "count": 2},
        token(odoo_sandbox),
    )
    listed = await raw_request(
        odoo_sandbox.url, "GET", "/_sandbox/faults", headers=token(odoo_sandbox)
    )
    failing = await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})
    cleared = await raw_request(
        odoo_sandbox.url, "DELETE", "/_sandbox/faults", headers=token(odoo_sandbox)
    )
    healthy = await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})

    assert added.status == 201
    rule = added.json()
    assert (rule["kind"], rule["model"], rule["remaining"]) == ("server_error", "res.partner", 2)
    assert listed.json() == [rule]
    assert failing.status == 500
    assert cleared.json() == {"cleared": 1}
    assert healthy.status == 200


async def test_a_slow_fault_over_http_takes_a_delay_and_a_duration(odoo_sandbox):
    added = await post_json(
        odoo_sandbox.url,
        "/_sandbox/faults",
        {"kind": "slow", "delay": 0.2, "seconds": 30},
        token(odoo_sandbox),
    )

    rule = added.json()
    assert rule["delay"] == 0.2
    assert 29 < rule["seconds_left"] <= 30
    assert odoo_sandbox.faults.rules()[0].kind == "slow"


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "slow"},
        {"kind": "server_error", "count": "many"},
        {"kind": "down", "when": 1},
        [1],
    ],
)
async def test_a_bad_fault_spec_is_a_400(odoo_sandbox, spec):
    response = await post_json(odoo_sandbox.url, "/_sandbox/faults", spec, token(odoo_sandbox))

    assert response.status == 400
    assert response.json()["error"]
    assert odoo_sandbox.faults.rules() == []


async def test_the_webhook_log_is_readable_and_clearable_over_http(odoo_sandbox):
    receiver = await Receiver().start()
    try:
        await install_rule(odoo_sandbox, receiver.url())
        await json2(odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Logged"}]})
        listed = await raw_request(
            odoo_sandbox.url, "GET", "/_sandbox/webhooks", headers=token(odoo_sandbox)
        )
        cleared = await raw_request(
            odoo_sandbox.url, "DELETE", "/_sandbox/webhooks", headers=token(odoo_sandbox)
        )
    finally:
        await receiver.close()

    (entry,) = listed.json()
    assert entry["url"] == receiver.url()
    assert entry["body"].encode() == receiver.received[0].body
    assert (entry["outcome"], entry["status"], entry["error"]) == ("succeeded", 200, None)
    assert cleared.status == 200
    assert len(odoo_sandbox.webhook_log) == 0


async def test_reset_brings_back_the_demo_data_and_keeps_the_keys(odoo_sandbox):
    keys = odoo_sandbox.api_keys
    before = (await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})).json()
    await json2(odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Temporary"}]})
    odoo_sandbox.faults.slow(5.0, model="account.move")

    response = await raw_request(
        odoo_sandbox.url, "POST", "/_sandbox/reset", headers=token(odoo_sandbox)
    )

    assert response.json() == {"database": odoo_sandbox.database, "api_keys": keys}
    assert odoo_sandbox.api_keys == keys
    assert (
        await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})
    ).json() == before
    assert odoo_sandbox.faults.rules() == []
    assert not any(row["name"] == "Temporary" for row in odoo_sandbox.db.records("res.partner"))


async def test_the_database_is_inspectable_in_process(odoo_sandbox):
    (new_id,) = (
        await json2(odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Inspect me"}]})
    ).json()

    rows = {row["id"]: row for row in odoo_sandbox.db.records("res.partner")}

    assert rows[new_id]["name"] == "Inspect me"
