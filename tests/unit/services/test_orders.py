"""Supply orders: one confirmed purchase order per business order, however often it is sent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from healthbridge.core.errors import InvalidRequestError, NotFoundError
from healthbridge.services.orders import OrderLineRequest, SupplyOrderRequest, SupplyOrders
from healthbridge.testing import FakeClock
from tests.unit.services.business_fakes import BusinessOdoo

GTIN = "05412345000013"


def _odoo() -> BusinessOdoo:
    odoo = BusinessOdoo(clock=FakeClock())
    odoo.add("res.partner", name="MedSupply BV", ref="SUP-1")
    odoo.add("res.currency", name="EUR")
    odoo.add("product.product", name="Nitrile gloves M", barcode=GTIN, default_code="GLV-M")
    return odoo


def _request(order_ref: str = "REQ-2026-0042", **changes: object) -> SupplyOrderRequest:
    values: dict[str, object] = {
        "order_ref": order_ref,
        "supplier_system": None,
        "supplier_value": "SUP-1",
        "lines": [OrderLineRequest(GTIN, Decimal("12"), Decimal("3.50"), "EUR")],
    }
    values.update(changes)
    return SupplyOrderRequest(**values)  # type: ignore[arg-type]


def _creates(odoo: BusinessOdoo) -> int:
    return odoo.calls.count(("purchase.order", "create"))


async def test_a_new_order_becomes_one_confirmed_purchase_order_carrying_the_order_ref():
    odoo = _odoo()

    placed = await SupplyOrders(odoo).place(_request())

    [order] = odoo.records("purchase.order")
    assert order["origin"] == "REQ-2026-0042"
    assert order["state"] == "purchase"
    assert (placed.created, placed.outcome, placed.state) == (True, "created", "purchase")
    assert placed.purchase_order_id == order["id"]
    [line] = odoo.records("purchase.order.line")
    assert (line["product_qty"], line["price_unit"]) == (12.0, 3.5)


async def test_a_second_submit_of_the_same_order_ref_makes_no_second_purchase_order():
    odoo = _odoo()
    orders = SupplyOrders(odoo)
    first = await orders.place(_request())

    again = await orders.place(_request(lines=[OrderLineRequest(GTIN, Decimal("99"))]))

    assert _creates(odoo) == 1
    assert len(odoo.records("purchase.order")) == 1
    assert again.purchase_order_id == first.purchase_order_id
    assert (again.created, again.outcome) == (False, "replayed")
    confirms = [a for a in odoo.actions if a[1] == "button_confirm"]
    assert len(confirms) == 1


async def test_a_replay_after_a_crash_between_create_and_confirm_confirms_the_draft():
    odoo = _odoo()
    draft = odoo.add("purchase.order", origin="REQ-2026-0042", state="draft", partner_id=1)

    placed = await SupplyOrders(odoo).place(_request())

    assert _creates(odoo) == 0
    assert placed.purchase_order_id == draft
    assert placed.state == "purchase"
    assert odoo.records("purchase.order")[0]["state"] == "purchase"


async def test_a_cancelled_purchase_order_does_not_count_as_the_first_one():
    odoo = _odoo()
    odoo.add("purchase.order", origin="REQ-2026-0042", state="cancel", partner_id=1)

    placed = await SupplyOrders(odoo).place(_request())

    assert placed.created is True
    assert _creates(odoo) == 1


async def test_different_order_refs_make_different_purchase_orders():
    odoo = _odoo()
    orders = SupplyOrders(odoo)

    first = await orders.place(_request("REQ-A"))
    second = await orders.place(_request("REQ-B"))

    assert first.purchase_order_id != second.purchase_order_id
    assert _creates(odoo) == 2


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (_request(order_ref="  "), InvalidRequestError),
        (_request(lines=[]), InvalidRequestError),
        (_request(lines=[OrderLineRequest(GTIN, Decimal("1"), Decimal("2"))]), InvalidRequestError),
        (_request(lines=[OrderLineRequest("nope", Decimal("1"))]), NotFoundError),
        (_request(supplier_value="SUP-404"), NotFoundError),
    ],
    ids=[
        "blank order ref",
        "no lines",
        "price without currency",
        "unknown product",
        "unknown supplier",
    ],
)
async def test_an_order_that_cannot_be_placed_is_refused_before_anything_is_created(
    request_, error
):
    odoo = _odoo()

    with pytest.raises(error):
        await SupplyOrders(odoo).place(request_)

    assert odoo.records("purchase.order") == []
