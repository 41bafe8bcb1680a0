"""Against the Odoo sandbox: the connector detects the version and picks the protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.connectors.conftest import Connect

SandboxFactory = Callable[..., Awaitable[RunningSandbox]]


async def test_a_19_0_sandbox_is_spoken_to_in_json2(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect
) -> None:
    client = await odoo_connect(odoo_sandbox)

    assert client.protocol == "json2"
    assert client.server_version == "19.0"
    assert client.version_info[:2] == (19, 0)
    assert client.uid == (await client.context_get())["uid"]


@pytest.mark.parametrize("version", ["17.0", "18.0"])
async def test_a_17_or_18_sandbox_is_spoken_to_in_jsonrpc(
    odoo_sandbox_factory: SandboxFactory, odoo_connect: Connect, version: str
) -> None:
    sandbox = await odoo_sandbox_factory(server_version=version)

    client = await odoo_connect(sandbox)

    assert (client.protocol, client.server_version) == ("jsonrpc", version)
    assert client.version_info[0] == int(version.split(".", maxsplit=1)[0])


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
async def test_the_protocol_setting_forces_rpc_on_a_19_0_sandbox(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol)

    assert client.protocol == protocol
    assert client.server_version == "19.0"
    assert await client.search_count("res.partner") > 0


async def test_xmlrpc_on_a_17_0_sandbox_reads_like_the_others(
    odoo_sandbox_factory: SandboxFactory, odoo_connect: Connect
) -> None:
    sandbox = await odoo_sandbox_factory(server_version="17.0")
    xml = await odoo_connect(sandbox, protocol="xmlrpc")
    rpc = await odoo_connect(sandbox, protocol="jsonrpc")

    fields = ["name", "email", "country_id", "write_date"]
    assert await xml.search_read("res.partner", [], fields, limit=5, order="id") == (
        await rpc.search_read("res.partner", [], fields, limit=5, order="id")
    )
