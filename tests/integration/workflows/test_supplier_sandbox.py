"""The supplier sandbox over HTTP, through the hub's own supplier client."""

from __future__ import annotations

import aiohttp
import pytest

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.sandbox.supplier import RunningSupplier
from healthbridge.services.workflow_ports import SupplierRejectedError, SupplierUnavailableError
from healthbridge.workflows.replenishment import SupplierHttp


async def _fault(supplier: RunningSupplier, **spec: object) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{supplier.url}/_sandbox/faults",
            json=spec,
            headers={"X-Sandbox-Token": supplier.state.control_token},
        ) as response,
    ):
        return response.status


async def test_a_quote_holds_stock_and_a_release_frees_it(supplier: RunningSupplier) -> None:
    async with SupplierHttp.open(WorkflowsSettings(supplier_url=supplier.url)) as client:
        quote = await client.quote("wf-1", "CTH-FOL-12", 40)
        assert quote == await client.quote("wf-1", "CTH-FOL-12", 40)
        await client.release(quote.reservation_id)
        await client.release(quote.reservation_id)
        await client.release("R-unknown")
    assert supplier.state.reservations == {quote.reservation_id: "released"}


async def test_injected_faults_map_to_declined_and_unavailable(supplier: RunningSupplier) -> None:
    assert await _fault(supplier, kind="reject", route="quotes", count=1) == 201
    assert await _fault(supplier, kind="error", route="notifications", count=1) == 201
    async with SupplierHttp.open(WorkflowsSettings(supplier_url=supplier.url)) as client:
        with pytest.raises(SupplierRejectedError):
            await client.quote("wf-2", "SKU", 1)
        with pytest.raises(SupplierUnavailableError):
            await client.notify("wf-2", {"purchase_order": "P1"})
        ack = await client.notify("wf-2", {"purchase_order": "P1"})
    assert ack.acknowledgement == "A00001"


async def test_a_slow_supplier_times_out_as_unavailable(supplier: RunningSupplier) -> None:
    await _fault(supplier, kind="slow", route="quotes", delay=2.0, count=1)
    settings = WorkflowsSettings(supplier_url=supplier.url, supplier_timeout_seconds=0.2)
    async with SupplierHttp.open(settings) as client:
        with pytest.raises(SupplierUnavailableError):
            await client.quote("wf-3", "SKU", 1)


async def test_the_control_api_needs_its_token(supplier: RunningSupplier) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{supplier.url}/_sandbox/state") as response,
    ):
        assert response.status == 401
    assert await _fault(supplier, kind="explode") == 400
