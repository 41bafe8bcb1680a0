"""fields_get caching, paging, the per-call hook, and the OdooPort contract."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from healthbridge.connectors.odoo import CallReport, OdooClient, OdooServerError
from healthbridge.services.ports import OdooPort
from tests.unit.connectors.conftest import PROTOCOLS, FakeClock
from tests.unit.connectors.scripted_odoo import (
    Protocol,
    Reply,
    ScriptedOdoo,
    Seen,
    html_page,
    success,
)

Connect = Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]

FIELDS = {
    "email": {"type": "char", "string": "Email"},
    "name": {"type": "char", "string": "Name"},
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_fields_get_is_asked_once_within_the_cache_time(
    connected: Connect, protocol: Protocol
) -> None:
    clock = FakeClock()
    server, client = await connected(protocol, clock=clock, fields_cache_seconds=300)
    server.on("res.partner", "fields_get", success(protocol, FIELDS))

    first = await client.fields_get("res.partner", ["type", "string"])
    first["name"]["type"] = "changed by the caller"
    clock.advance(299)
    second = await client.fields_get("res.partner", ["string", "type"])

    assert second == FIELDS, "the cache keeps its own copy"
    assert len(server.calls("res.partner", "fields_get")) == 1

    clock.advance(1)
    await client.fields_get("res.partner", ["type", "string"])
    assert len(server.calls("res.partner", "fields_get")) == 2


async def test_fields_get_caches_per_model_attributes_and_context(connected: Connect) -> None:
    server, client = await connected("json2", clock=FakeClock())
    server.on("res.partner", "fields_get", success("json2", FIELDS))
    server.on("product.product", "fields_get", success("json2", FIELDS))

    await client.fields_get("res.partner", ["type"])
    await client.fields_get("res.partner", ["string"])
    await client.fields_get("res.partner", ["type"], context={"lang": "en_US"})
    await client.fields_get("product.product", ["type"])
    await client.fields_get("res.partner", ["type"])

    assert len(server.object_calls()) == 4
    client.fields_cache.clear("res.partner")
    await client.fields_get("res.partner", ["type"])
    assert len(server.object_calls()) == 5


async def test_a_zero_cache_time_turns_the_cache_off(connected: Connect) -> None:
    server, client = await connected("json2", fields_cache_seconds=0)
    server.on("res.partner", "fields_get", success("json2", FIELDS))

    await client.fields_get("res.partner")
    await client.fields_get("res.partner")

    assert len(server.calls("res.partner", "fields_get")) == 2


def paged_table(protocol: Protocol, ids: list[int]) -> Callable[[Seen], Reply]:
    """search_read over rows with these ids, honouring an ``id >`` leaf, limit and offset."""

    def answer(seen: Seen) -> Reply:
        named = seen.json() if protocol == "json2" else seen.rpc_args[6]
        rows = [{"id": record_id, "name": f"P{record_id}"} for record_id in sorted(ids)]
        for leaf in named["domain"]:
            if list(leaf[:2]) == ["id", ">"]:
                rows = [row for row in rows if row["id"] > leaf[2]]
        if named.get("order", "id").startswith("name"):
            rows.sort(key=lambda row: (row["name"], row["id"]))
        offset = named.get("offset", 0)
        return success(protocol, rows[offset : offset + named["limit"]])

    return answer


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_search_read_without_a_limit_reads_every_page_by_id(
    connected: Connect, protocol: Protocol
) -> None:
    server, client = await connected(protocol)
    ids = list(range(1, 24))
    server.on_call("res.partner", "search_read", paged_table(protocol, ids))

    rows = await client.search_read("res.partner", [("active", "=", True)], ["name"], page_size=10)

    assert [row["id"] for row in rows] == ids
    assert len(server.calls("res.partner", "search_read")) == 3


async def test_pages_follow_ids_so_a_deleted_row_shifts_nothing(connected: Connect) -> None:
    server, client = await connected("json2")
    ids = list(range(1, 16))
    server.on_call("res.partner", "search_read", paged_table("json2", ids))

    seen: list[int] = []
    async for page in client.iter_search_read("res.partner", [], ["name"], page_size=5):
        seen.extend(row["id"] for row in page)
        if len(seen) == 5:
            ids.remove(2)  # deleted by someone else between two pages

    assert seen == [*range(1, 16)]


async def test_an_explicit_order_pages_by_offset_with_id_as_tiebreak(connected: Connect) -> None:
    server, client = await connected("json2")
    server.on_call("res.partner", "search_read", paged_table("json2", list(range(1, 8))))

    pages = [
        page
        async for page in client.iter_search_read(
            "res.partner", [], ["name"], page_size=3, order="name desc"
        )
    ]

    assert [len(page) for page in pages] == [3, 3, 1]
    bodies = [seen.json() for seen in server.calls("res.partner", "search_read")]
    assert [body.get("offset", 0) for body in bodies] == [0, 3, 6]
    assert {body["order"] for body in bodies} == {"name desc, id"}


async def test_a_limit_within_one_page_is_one_call_in_odoo_s_own_order(connected: Connect) -> None:
    server, client = await connected("json2")
    server.on_call("res.partner", "search_read", paged_table("json2", list(range(1, 100))))

    rows = await client.search_read("res.partner", [], ["name"], limit=80)

    assert len(rows) == 80
    (body,) = [seen.json() for seen in server.calls("res.partner", "search_read")]
    assert "order" not in body
    assert body["limit"] == 80


async def test_a_limit_across_pages_stops_at_the_limit(connected: Connect) -> None:
    server, client = await connected("json2")
    server.on_call("res.partner", "search_read", paged_table("json2", list(range(1, 100))))

    rows = await client.search_read("res.partner", [], ["name"], limit=25, page_size=10)

    assert [row["id"] for row in rows] == list(range(1, 26))
    limits = [seen.json()["limit"] for seen in server.calls("res.partner", "search_read")]
    assert limits == [10, 10, 5]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_hook_hears_of_every_call_with_its_outcome_and_never_its_arguments(
    connected: Connect, protocol: Protocol
) -> None:
    reports: list[CallReport] = []
    server, client = await connected(protocol, hook=reports.append, retry_attempts=2)
    unavailable = html_page(503, "Service Unavailable", "down")
    server.on("res.partner", "search_count", unavailable, success(protocol, 3))
    server.on("res.partner", "write", unavailable)

    await client.search_count("res.partner", [("email", "=", "patient@example.com")])
    with pytest.raises(OdooServerError):
        await client.write("res.partner", [1], {"name": "Jane Patient"})

    count, write = reports[-2:]
    assert (count.model, count.method, count.protocol) == ("res.partner", "search_count", protocol)
    assert (count.outcome, count.error_code, count.attempts) == ("ok", None, 2)
    assert (write.outcome, write.error_code, write.attempts) == ("error", "odoo.server_error", 1)
    assert count.duration_seconds > 0
    assert count.started_at_ns > 0
    assert "patient" not in repr(reports).lower()
    assert {report.method for report in reports[:-2]} >= {"version"}


async def test_a_failing_hook_does_not_fail_the_call(connected: Connect) -> None:
    def broken(report: CallReport) -> None:
        raise RuntimeError("metrics backend down")

    server, client = await connected("json2", hook=broken)
    server.on("res.partner", "write", success("json2", True))

    assert await client.write("res.partner", [1], {"name": "x"}) is True


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, member in vars(OdooPort).items()
        if inspect.iscoroutinefunction(member) and not name.startswith("_")
    ],
)
def test_odoo_client_offers_every_method_of_the_port_with_compatible_parameters(
    name: str,
) -> None:
    wanted = inspect.signature(getattr(OdooPort, name)).parameters
    offered = inspect.signature(getattr(OdooClient, name)).parameters

    for parameter in wanted.values():
        assert parameter.name in offered, f"{name} lacks {parameter.name}"
        mine = offered[parameter.name]
        assert mine.kind == parameter.kind, f"{name}.{parameter.name} kind differs"
        assert mine.default == parameter.default, f"{name}.{parameter.name} default differs"
    extra: list[Any] = [p for p in offered.values() if p.name not in wanted]
    assert all(p.default is not inspect.Parameter.empty for p in extra)


def as_port(client: OdooClient) -> OdooPort:
    """Never called: mypy checks here that OdooClient satisfies OdooPort structurally."""
    return client
