"""Injected faults make the sandbox slow, failing, hanging or down, as each protocol shows it."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from healthbridge.sandbox.odoo import FaultInjector, FaultSpecError
from tests.integration.sandbox.calls import execute_kw, json2, xml_fault, xmlrpc_call
from tests.integration.sandbox.rawhttp import raw_request


async def count_partners(sandbox) -> object:
    return await json2(sandbox, "res.partner", "search_count", {"domain": []})


async def test_a_slow_rule_delays_only_calls_on_its_model(odoo_sandbox):
    odoo_sandbox.faults.slow(0.5, model="res.partner")

    started = time.monotonic()
    slow = await count_partners(odoo_sandbox)
    slow_elapsed = time.monotonic() - started
    started = time.monotonic()
    fast = await json2(odoo_sandbox, "product.product", "search_count", {"domain": []})
    fast_elapsed = time.monotonic() - started

    assert slow.status == fast.status == 200
    assert slow_elapsed >= 0.5
    assert fast_elapsed < slow_elapsed - 0.3


async def test_a_rule_for_the_next_n_calls_stops_after_n(odoo_sandbox):
    odoo_sandbox.faults.fail("server_error", model="res.partner", count=2)

    statuses = [(await count_partners(odoo_sandbox)).status for _ in range(3)]

    assert statuses == [500, 500, 200]
    assert odoo_sandbox.faults.rules() == []


async def test_a_rule_for_t_seconds_expires(odoo_sandbox):
    odoo_sandbox.faults.fail("server_error", seconds=0.5)

    during = await count_partners(odoo_sandbox)
    await asyncio.sleep(0.55)
    after = await count_partners(odoo_sandbox)

    assert (during.status, after.status) == (500, 200)


async def test_an_injected_server_error_looks_like_an_odoo_500_on_every_protocol(odoo_sandbox):
    odoo_sandbox.faults.fail("server_error", count=3)

    over_json2 = await count_partners(odoo_sandbox)
    over_jsonrpc = await execute_kw(odoo_sandbox, "res.partner", "search_count", [[]])
    over_xmlrpc = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", "res.partner", "search_count", [[]]),
    )

    assert over_json2.status == 500
    assert over_json2.json()["name"] == "builtins.RuntimeError"
    assert over_jsonrpc.json()["error"]["data"]["name"] == "builtins.RuntimeError"
    fault = xml_fault(over_xmlrpc)
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):")


@pytest.mark.parametrize(
    ("kind", "status", "name", "fault_code"),
    [
        ("access_error", 403, "odoo.exceptions.AccessError", 4),
        ("validation_error", 422, "odoo.exceptions.ValidationError", 2),
        ("missing", 404, "odoo.exceptions.MissingError", 2),
    ],
)
async def test_injected_odoo_errors_keep_their_status_and_fault_code(
    odoo_sandbox, kind, status, name, fault_code
):
    odoo_sandbox.faults.fail(kind, model="res.partner", count=2)

    over_json2 = await count_partners(odoo_sandbox)
    over_xmlrpc = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", "res.partner", "search_count", [[]]),
    )

    assert over_json2.status == status
    assert over_json2.json()["name"] == name
    assert xml_fault(over_xmlrpc).faultCode == fault_code


async def test_an_injected_error_changes_nothing(odoo_sandbox):
    before = (await count_partners(odoo_sandbox)).json()
    odoo_sandbox.faults.fail("server_error", model="res.partner", count=1)

    failed = await json2(odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Never"}]})

    assert failed.status == 500
    assert (await count_partners(odoo_sandbox)).json() == before


async def test_a_hanging_call_times_the_client_out_and_clearing_drops_it(odoo_sandbox):
    odoo_sandbox.faults.hang(model="res.partner")

    with pytest.raises(TimeoutError):
        await raw_request(
            odoo_sandbox.url,
            "POST",
            "/json/2/res.partner/search_count",
            body=b'{"domain": []}',
            headers={
                "Content-Type": "application/json",
                "Authorization": f"bearer {odoo_sandbox.api_keys['admin']}",
            },
            timeout=0.3,
        )
    pending = asyncio.create_task(count_partners(odoo_sandbox))
    await asyncio.sleep(0.1)
    odoo_sandbox.faults.clear()

    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await pending
    assert (await count_partners(odoo_sandbox)).status == 200


async def test_a_hang_can_drop_the_connection_after_a_while(odoo_sandbox):
    odoo_sandbox.faults.hang(drop_after=0.2, count=1)

    started = time.monotonic()
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await count_partners(odoo_sandbox)

    assert 0.2 <= time.monotonic() - started < 1.0


async def test_a_down_server_resets_every_connection_until_it_comes_back(odoo_sandbox):
    odoo_sandbox.faults.down()

    async with aiohttp.ClientSession() as session:
        for path in (
            "/web/version",
            "/jsonrpc",
            "/xmlrpc/2/common",
            "/json/2/res.partner/search_count",
        ):
            with pytest.raises(aiohttp.ClientConnectionError):
                async with session.post(f"{odoo_sandbox.url}{path}", data=b"{}") as response:
                    await response.read()
        odoo_sandbox.faults.clear()
        async with session.get(f"{odoo_sandbox.url}/web/version") as response:
            assert response.status == 200


async def test_down_for_t_seconds_comes_back_by_itself(odoo_sandbox):
    odoo_sandbox.faults.down(seconds=0.3)

    with pytest.raises(ConnectionError):
        await raw_request(odoo_sandbox.url, "GET", "/web/version")
    await asyncio.sleep(0.35)
    response = await raw_request(odoo_sandbox.url, "GET", "/web/version")

    assert response.status == 200


async def test_the_control_api_stays_up_while_the_server_is_down(odoo_sandbox):
    odoo_sandbox.faults.down()

    async with aiohttp.ClientSession() as session:
        async with session.delete(
            f"{odoo_sandbox.url}/_sandbox/faults",
            headers={"X-Sandbox-Token": odoo_sandbox.control_token},
        ) as response:
            assert response.status == 200
            assert await response.json() == {"cleared": 1}
        async with session.get(f"{odoo_sandbox.url}/web/version") as response:
            assert response.status == 200


async def test_faults_apply_to_the_common_service_only_through_the_wildcard(odoo_sandbox):
    odoo_sandbox.faults.fail("server_error", model="res.partner")
    targeted = await xmlrpc_call(odoo_sandbox, "common", "version", ())
    odoo_sandbox.faults.clear()
    odoo_sandbox.faults.fail("server_error", model="*", count=1)
    everything = await xmlrpc_call(odoo_sandbox, "common", "version", ())

    assert b"<fault>" not in targeted.body
    assert xml_fault(everything).faultCode == 1


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("explode", {}),
        ("slow", {}),
        ("server_error", {"count": 0}),
        ("server_error", {"seconds": -1}),
    ],
)
def test_impossible_rules_are_refused(kind, options):
    with pytest.raises(FaultSpecError):
        FaultInjector().add(kind, **options)


async def test_stopping_the_sandbox_drops_hanging_calls_at_once(odoo_sandbox_factory):
    sandbox = await odoo_sandbox_factory()
    sandbox.faults.hang()
    pending = asyncio.create_task(count_partners(sandbox))
    await asyncio.sleep(0.1)

    started = time.monotonic()
    await sandbox.stop()

    assert time.monotonic() - started < 0.45
    with pytest.raises((ConnectionError, asyncio.IncompleteReadError)):
        await pending
