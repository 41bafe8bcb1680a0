"""Every error answer recorded in the wire facts becomes the right typed error, on each protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from healthbridge.connectors.odoo import OdooClient, OdooError, may_retry
from tests.unit.connectors.scripted_odoo import Protocol, ScriptedOdoo
from tests.unit.connectors.wire_samples import JSON2_ROWS, JSONRPC_ROWS, XMLRPC_ROWS, ErrorRow

Connect = Callable[..., Awaitable[tuple[ScriptedOdoo, OdooClient]]]

CASES = [
    pytest.param(protocol, row, id=f"{protocol}: {row.case}")
    for protocol, rows in (
        ("json2", JSON2_ROWS),
        ("jsonrpc", JSONRPC_ROWS),
        ("xmlrpc", XMLRPC_ROWS),
    )
    for row in rows
]


async def _provoke(client: OdooClient, row: ErrorRow) -> OdooError:
    ids = [999999] if row.method in {"write", "unlink"} else None
    with pytest.raises(OdooError) as caught:
        await client.call(row.model, row.method, ids, params={"vals": {"name": "x"}} if ids else {})
    return caught.value


@pytest.mark.parametrize(("protocol", "row"), CASES)
async def test_each_recorded_error_answer_becomes_its_typed_error(
    connected: Connect, protocol: Protocol, row: ErrorRow
) -> None:
    server, client = await connected(protocol)
    server.on(row.model, row.method, row.reply)

    error = await _provoke(client, row)

    assert type(error) is row.error
    assert error.code == row.error.code
    assert error.odoo_name == row.odoo_name
    assert error.odoo_message == row.odoo_message
    assert (error.model, error.method, error.protocol) == (row.model, row.method, protocol)
    assert error.transient is row.transient


@pytest.mark.parametrize(("protocol", "row"), CASES)
async def test_the_safe_message_names_the_call_but_never_quotes_odoo(
    connected: Connect, protocol: Protocol, row: ErrorRow
) -> None:
    server, client = await connected(protocol)
    server.on(row.model, row.method, row.reply)

    error = await _provoke(client, row)

    assert row.model in str(error)
    assert ":" in str(error), "the message says what to do after the colon"
    if row.odoo_message:
        assert row.odoo_message not in str(error)
    assert error.to_dict()["details"]["protocol"] == protocol


@pytest.mark.parametrize(("protocol", "row"), CASES)
async def test_only_transient_errors_of_reads_are_attempted_again(
    connected: Connect, protocol: Protocol, row: ErrorRow
) -> None:
    server, client = await connected(protocol, retry_attempts=3)
    server.on(row.model, row.method, row.reply)

    await _provoke(client, row)

    expected = 3 if row.transient and may_retry(row.method) else 1
    assert len(server.calls(row.model, row.method)) == expected
