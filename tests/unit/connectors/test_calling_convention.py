"""One calling convention on every protocol: what goes on the wire and what comes back."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Awaitable, Callable

import pytest

from healthbridge.connectors.odoo import OdooClient
from tests.unit.connectors.conftest import PROTOCOLS
from tests.unit.connectors.scripted_odoo import (
    API_KEY,
    DATABASE,
    Protocol,
    Reply,
    ScriptedOdoo,
    Seen,
    success,
    traceback_text,
    xmlrpc_fault,
)

Connect = Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]

ROWS = [
    {
        "id": 1,
        "name": "My Company (San Francisco)",
        "email": "info@yourcompany.com",
        "country_id": [233, "United States"],
        "write_date": "2026-11-24 15:36:33",
    },
    {
        "id": 8,
        "name": "Wood Corner",
        "email": "wood.corner26@example.com",
        "country_id": [233, "United States"],
        "write_date": "2026-11-24 15:35:45",
    },
]


def sent(protocol: Protocol, seen: Seen) -> tuple[list[object] | None, dict[str, object]]:
    """``(ids, named arguments with context)`` as the client put them on the wire."""
    if protocol == "json2":
        body = seen.json()
        ids = body.pop("ids", None)
        return ids, body
    if protocol == "jsonrpc":
        args = seen.json()["params"]["args"]
    else:
        args = list(xmlrpc.client.loads(seen.body, use_builtin_types=True)[0])
    positional, named = args[5], args[6]
    return (positional[0] if positional else None), named


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_search_read_sends_named_arguments_and_returns_the_rows(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "search_read", success(protocol, ROWS))

    rows = await client.search_read(
        "res.partner",
        [("is_company", "=", True)],
        ["name", "email", "country_id", "write_date"],
        limit=2,
        order="id",
        context={"lang": "en_US"},
    )

    assert rows == ROWS
    ids, named = sent(protocol, server.calls("res.partner", "search_read")[0])
    assert ids is None
    assert named == {
        "domain": [["is_company", "=", True]],
        "fields": ["name", "email", "country_id", "write_date"],
        "limit": 2,
        "order": "id",
        "context": {"lang": "en_US"},
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_record_methods_send_their_ids_apart_from_the_parameters(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "write", success(protocol, True))

    assert await client.write("res.partner", [1, 8], {"email": "x@example.com"}) is True

    ids, named = sent(protocol, server.calls("res.partner", "write")[0])
    assert ids == [1, 8]
    assert named == {"vals": {"email": "x@example.com"}}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_create_returns_a_list_of_ids_on_every_protocol(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "create", success(protocol, [46, 47]))

    created = await client.create("res.partner", [{"name": "A"}, {"name": "B"}])

    assert created == [46, 47]
    seen = server.calls("res.partner", "create")[0]
    if protocol == "json2":
        assert seen.json() == {"vals_list": [{"name": "A"}, {"name": "B"}]}
    else:
        # Positional, because Odoo 17's call_kw reads args[0] for create.
        assert seen.rpc_args[5] == [[{"name": "A"}, {"name": "B"}]]
        assert seen.rpc_args[6] == {}


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
async def test_create_wraps_a_bare_id_in_a_list(connected: Connect, protocol: Protocol) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "create", success(protocol, 46))

    assert await client.create("res.partner", [{"name": "A"}]) == [46]


async def test_json2_sends_the_bearer_key_the_database_and_a_json_content_type(
    connected: Connect,
) -> None:
    server, client = await connected("json2")
    server.on("purchase.order", "button_confirm", success("json2", True))

    await client.call("purchase.order", "button_confirm", [1], context={"tz": "UTC"})

    seen = server.calls("purchase.order", "button_confirm")[0]
    assert seen.path == "/json/2/purchase.order/button_confirm"
    assert seen.headers["Authorization"] == f"bearer {API_KEY}"
    assert seen.headers["X-Odoo-Database"] == DATABASE
    assert seen.headers["Content-Type"].startswith("application/json")
    assert seen.json() == {"ids": [1], "context": {"tz": "UTC"}}


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
async def test_rpc_calls_carry_database_uid_and_key_in_execute_kw(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("account.move", "action_post", success(protocol, False))

    await client.call("account.move", "action_post", [3])

    seen = server.calls("account.move", "action_post")[0]
    assert seen.rpc_args[:5] == [DATABASE, 2, API_KEY, "account.move", "action_post"]
    assert seen.rpc_args[5:] == [[[3]], {}]
    assert client.uid == 2


async def test_a_jsonrpc_result_left_out_for_none_reads_as_none(connected: Connect) -> None:
    server, client = await connected("jsonrpc")
    server.on("account.move", "action_post", Reply.text('{"jsonrpc": "2.0", "id": 1}'))

    assert await client.call("account.move", "action_post", [3]) is None


async def test_an_xmlrpc_method_returning_none_is_a_success_not_a_fault(
    connected: Connect,
) -> None:
    server, client = await connected("xmlrpc")
    fault = traceback_text("TypeError: cannot marshal None unless allow_none is enabled")
    server.on("account.move", "action_post", xmlrpc_fault(1, fault))

    assert await client.call("account.move", "action_post", [3]) is None


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_name_search_returns_id_and_name_pairs(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "name_search", success(protocol, [[8, "Wood Corner"]]))

    assert await client.name_search("res.partner", "wood", limit=5) == [(8, "Wood Corner")]
    _, named = sent(protocol, server.calls("res.partner", "name_search")[0])
    assert named == {"name": "wood", "operator": "ilike", "limit": 5}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_reading_no_ids_or_creating_nothing_makes_no_request(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)

    assert await client.read("res.partner", [], ["name"]) == []
    assert await client.create("res.partner", []) == []
    assert server.object_calls() == []


async def test_call_refuses_ids_or_context_hidden_in_params(connected: Connect) -> None:
    _, client = await connected("json2")

    with pytest.raises(ValueError, match="context"):
        await client.call("res.partner", "read", params={"context": {}})


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_search_and_search_count_return_plain_ids_and_ints(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    server.on("res.partner", "search", success(protocol, [1, 8, 9]))
    server.on("res.partner", "search_count", success(protocol, 90))

    assert await client.search("res.partner", [("is_company", "=", True)], limit=3) == [1, 8, 9]
    assert await client.search_count("res.partner") == 90
