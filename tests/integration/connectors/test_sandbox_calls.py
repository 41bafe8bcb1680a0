"""Against the Odoo sandbox, on each protocol: reads, writes, paging, caching, workflow calls."""

from __future__ import annotations

import pytest

from healthbridge.connectors.odoo import CallReport, OdooTransportError
from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.connectors.conftest import Connect

PROTOCOLS = ["json2", "jsonrpc", "xmlrpc"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_search_read_by_pages_returns_every_match_once_in_id_order(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)
    await client.create("res.partner", [{"name": f"Paging clinic {n}"} for n in range(7)])
    total = await client.search_count("res.partner")

    rows = await client.search_read("res.partner", [], ["name", "write_date"], page_size=3)
    pages = [
        page
        async for page in client.iter_search_read(
            "res.partner", [], ["name"], page_size=3, order="name"
        )
    ]

    ids = [row["id"] for row in rows]
    assert len(ids) == total
    assert ids == sorted(ids)
    assert set(ids) == set(await client.search("res.partner"))
    assert len(pages) == -(-total // 3)
    assert all(len(page) == 3 for page in pages[:-1])
    assert {row["id"] for page in pages for row in page} == set(ids)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_create_read_write_unlink_round_trip(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)

    created = await client.create(
        "res.partner",
        [{"name": f"Ward supplier {protocol} A"}, {"name": f"Ward supplier {protocol} B"}],
    )
    assert len(created) == 2
    assert all(isinstance(record_id, int) for record_id in created)

    assert await client.write("res.partner", created, {"email": "ward@example.org"}) is True
    rows = await client.read("res.partner", created, ["name", "email"])
    assert [row["email"] for row in rows] == ["ward@example.org"] * 2
    assert {row["name"] for row in rows} == {
        f"Ward supplier {protocol} A",
        f"Ward supplier {protocol} B",
    }

    assert await client.unlink("res.partner", created) is True
    assert await client.read("res.partner", created, ["name"]) == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_search_count_and_name_search_find_a_new_partner(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)
    name = f"Quokka Medical Supplies {protocol}"
    (record_id,) = await client.create("res.partner", [{"name": name, "is_company": True}])

    assert await client.search_count("res.partner", [("name", "=", name)]) == 1
    assert await client.name_search("res.partner", "Quokka Medical", limit=10) == [
        (record_id, name)
    ]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_fields_get_is_served_from_the_cache_the_second_time(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    reports: list[CallReport] = []
    client = await odoo_connect(odoo_sandbox, protocol=protocol, hook=reports.append)

    first = await client.fields_get("res.partner", ["type", "string"])
    odoo_sandbox.faults.down()  # any HTTP request from now on fails
    second = await client.fields_get("res.partner", ["type", "string"])

    assert second == first
    assert first["name"]["type"] == "char"
    assert [report.method for report in reports].count("fields_get") == 1
    with pytest.raises(OdooTransportError):
        await client.fields_get("res.partner", ["type"])  # not cached: it needs Odoo


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_button_confirm_confirms_a_draft_purchase_order(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)
    drafts = await client.search("purchase.order", [("state", "=", "draft")], limit=1)
    assert drafts, "the demo data has draft purchase orders"

    await client.call("purchase.order", "button_confirm", drafts)

    (order,) = await client.read("purchase.order", drafts, ["state"])
    assert order["state"] == "purchase"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_action_post_posts_a_draft_journal_entry(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)
    drafts = await client.search("account.move", [("state", "=", "draft")], limit=1)
    assert drafts, "the demo data has draft journal entries"

    await client.call("account.move", "action_post", drafts, context={"tz": "UTC"})

    (move,) = await client.read("account.move", drafts, ["state"])
    assert move["state"] == "posted"


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_read_of_a_missing_id_is_empty_not_an_error(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)

    assert await client.read("res.partner", [999999], ["name"]) == []


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_context_reaches_odoo_on_every_protocol(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)
    (record_id,) = await client.create("res.partner", [{"name": "Archived clinic"}])
    await client.write("res.partner", [record_id], {"active": False})

    active = await client.search_count("res.partner")
    everything = await client.search_count("res.partner", context={"active_test": False})

    assert everything > active
