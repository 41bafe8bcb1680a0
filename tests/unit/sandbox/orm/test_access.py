"""Access rights per user: the five fixed users and what each may do to which model."""

from __future__ import annotations

import re

import pytest

from healthbridge.sandbox.odoo.exceptions import AccessError
from healthbridge.sandbox.odoo.orm import Database

from .conftest import ADMIN, DEMO, HUB, STOCK_READER, SYSTEM, Client


def denial(verb: str, description: str, model: str, groups: list[str]) -> str:
    listing = "\n".join(f"\t- {group}" for group in groups)
    return (
        f"You are not allowed to {verb} '{description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n{listing}\n\n"
        "Contact your administrator to request access if necessary."
    )


def test_the_demo_user_may_not_read_system_parameters(db: Database) -> None:
    with pytest.raises(AccessError) as caught:
        Client(db, DEMO).call("ir.config_parameter", "search_read", [])
    assert caught.value.message == denial(
        "access", "System Parameter", "ir.config_parameter", ["Role / Administrator"]
    )
    wire = caught.value.wire("xmlrpc")
    assert (wire.fault_code, caught.value.wire("json2").http_status) == (4, 403)


def test_the_demo_user_may_not_modify_the_company(db: Database) -> None:
    with pytest.raises(AccessError) as caught:
        Client(db, DEMO).call("res.company", "write", [1], {"name": "Renamed"})
    assert caught.value.message == denial("modify", "Companies", "res.company", ["Access Rights"])
    assert (
        Client(db).call("res.company", "read", [1], ["name"])[0]["name"]
        == "Healthbridge Hospital Group"
    )


def test_the_demo_user_reads_partners_and_products(db: Database) -> None:
    demo = Client(db, DEMO)
    assert demo.call("res.partner", "search_count", []) > 80
    assert demo.call("product.product", "search_count", []) >= 60
    assert demo.call("res.partner", "create", {"name": "Walk-in"}) > 0


def test_the_hub_integration_user_writes_business_models_but_never_deletes(db: Database) -> None:
    hub = Client(db, HUB)
    partner = hub.call("res.partner", "create", {"name": "From the hub"})
    assert hub.call("res.partner", "write", [partner], {"email": "hub@example.com"}) is True
    with pytest.raises(
        AccessError,
        match=re.escape("You are not allowed to delete 'Contact' (res.partner) records"),
    ):
        hub.call("res.partner", "unlink", [partner])
    with pytest.raises(AccessError, match=re.escape("System Parameter")):
        hub.call("ir.config_parameter", "search", [])


def test_the_hub_integration_user_manages_automation_rules(db: Database) -> None:
    hub = Client(db, HUB)
    model = hub.call("ir.model", "search", [["model", "=", "res.partner"]])[0]
    action = hub.call(
        "ir.actions.server",
        "create",
        {
            "name": "Hook",
            "model_id": model,
            "state": "webhook",
            "webhook_url": "http://127.0.0.1:1/x",
        },
    )
    rule = hub.call(
        "base.automation",
        "create",
        {
            "name": "Rule",
            "model_id": model,
            "trigger": "on_write",
            "action_server_ids": [(4, action)],
        },
    )
    assert hub.call("base.automation", "read", [rule], ["action_server_ids"])[0][
        "action_server_ids"
    ] == [action]
    assert hub.call("base.automation", "unlink", [rule]) is True
    with pytest.raises(
        AccessError,
        match=re.escape("You are not allowed to create 'Fields' (ir.model.fields) records"),
    ):
        hub.call("ir.model.fields", "create", {"name": "x_field"})


def test_the_stock_reader_reads_stock_and_products_only(db: Database) -> None:
    reader = Client(db, STOCK_READER)
    assert reader.call("stock.quant", "search_count", []) > 0
    assert reader.call("product.product", "search_read", [], fields=["uom_id"], limit=1)[0][
        "uom_id"
    ][1]
    with pytest.raises(AccessError) as caught:
        reader.call("res.partner", "search", [])
    assert caught.value.message == denial(
        "access",
        "Contact",
        "res.partner",
        ["Contact Creation", "Healthbridge / Integration", "Role / User"],
    )
    with pytest.raises(AccessError, match=re.escape("You are not allowed to modify 'Quants'")):
        reader.call("stock.quant", "write", [1], {"quantity": 1})


@pytest.mark.parametrize(
    ("uid", "expected"),
    [(ADMIN, True), (DEMO, False), (HUB, True), (STOCK_READER, False), (SYSTEM, True)],
)
def test_has_access_and_check_access_rights_agree(db: Database, uid: int, expected: bool) -> None:
    client = Client(db, uid)
    assert client.call("purchase.order", "has_access", [], "write") is expected
    assert (
        client.call("purchase.order", "check_access_rights", "write", raise_exception=False)
        is expected
    )
    if not expected:
        with pytest.raises(AccessError):
            client.call("purchase.order", "check_access_rights", "write")


def test_a_model_no_group_may_touch_says_so(db: Database) -> None:
    with pytest.raises(AccessError) as caught:
        Client(db, ADMIN).call("ir.model", "unlink", [1])
    assert "No group currently allows this operation." in caught.value.message


def test_anyone_may_ask_for_their_own_context(db: Database) -> None:
    for uid in (ADMIN, DEMO, HUB, STOCK_READER):
        assert Client(db, uid).json2("res.users", "context_get") == {
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "uid": uid,
        }
