"""Against the Odoo sandbox, on each protocol: Odoo's refusals arrive as the right typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import (
    OdooAccessDenied,
    OdooAuthenticationError,
    OdooClient,
    OdooError,
    OdooMissingRecord,
    OdooUnknownField,
    OdooUnknownMethod,
    OdooUnknownModel,
    OdooValidationError,
)
from healthbridge.resilience import BreakerState
from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.connectors.conftest import Connect, sandbox_settings

PROTOCOLS = ["json2", "jsonrpc", "xmlrpc"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_odoo_refusals_map_to_typed_errors_and_leave_the_breaker_closed(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol, breaker_failure_threshold=1)

    cases: list[tuple[type[OdooError], Callable[[], Awaitable[object]]]] = [
        (OdooUnknownModel, lambda: client.search_read("no.such.model", [], ["name"], limit=1)),
        (OdooUnknownField, lambda: client.search_read("res.partner", [], ["nope"], limit=1)),
        (OdooUnknownField, lambda: client.search_count("res.partner", [("nope", "=", 1)])),
        (OdooUnknownMethod, lambda: client.call("res.partner", "no_such_method", [1])),
        (OdooAccessDenied, lambda: client.call("res.partner", "_compute_display_name", [1])),
        (OdooValidationError, lambda: client.create("res.partner", [{"email": "x@y.example"}])),
        (OdooMissingRecord, lambda: client.write("res.partner", [999999], {"name": "Ghost"})),
    ]
    for expected, call in cases:
        with pytest.raises(expected) as caught:
            await call()
        assert caught.value.protocol == protocol
        assert caught.value.odoo_message

    assert client.breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_user_without_rights_gets_access_denied(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol, login="demo")

    with pytest.raises(OdooAccessDenied) as caught:
        await client.search_read("ir.config_parameter", [], ["key"], limit=1)

    assert "ir.config_parameter" in (caught.value.odoo_message or "")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_the_stock_reader_key_reads_stock_but_cannot_write(
    odoo_sandbox: RunningSandbox, odoo_connect: Connect, protocol: str
) -> None:
    client = await odoo_connect(odoo_sandbox, protocol=protocol, login="stock-reader")
    quants = await client.search_read("stock.quant", [], ["product_id", "quantity"], limit=3)
    assert quants

    with pytest.raises(OdooAccessDenied):
        await client.write("stock.quant", [quants[0]["id"]], {"quantity": 1.0})
    with pytest.raises(OdooAccessDenied):
        await client.create("product.product", [{"name": "Saline 0.9% 500 ml"}])


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_wrong_api_key_is_refused_at_connect(
    odoo_sandbox: RunningSandbox, protocol: str
) -> None:
    settings = sandbox_settings(odoo_sandbox, protocol=protocol, api_key=SecretStr("0" * 40))

    with pytest.raises(OdooAuthenticationError, match=r"odoo\.api_key"):
        await OdooClient.connect(settings)


async def test_an_unknown_database_on_json2_says_to_check_the_database(
    odoo_sandbox: RunningSandbox,
) -> None:
    settings = sandbox_settings(odoo_sandbox, database="no_such_db")

    with pytest.raises(OdooError, match=r"odoo\.database"):
        await OdooClient.connect(settings)
