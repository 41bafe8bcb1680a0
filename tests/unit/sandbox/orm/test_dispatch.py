"""Calling conventions: positional execute_kw and named JSON-2 arguments, as Odoo 19 binds them."""

from __future__ import annotations

import re

import pytest

from healthbridge.sandbox.odoo.exceptions import (
    BadArguments,
    MissingIds,
    OdooError,
    UnprocessableEntity,
)
from healthbridge.sandbox.odoo.orm import Database

from .conftest import ADMIN, Client


@pytest.mark.parametrize("body", [{}, {"context": {}}, [1, 2]])
def test_json2_without_a_required_argument_is_unprocessable(db: Database, body: object) -> None:
    with pytest.raises(UnprocessableEntity) as caught:
        db.call_json2(ADMIN, "res.partner", "search_count", body)  # type: ignore[arg-type]
    wire = caught.value.wire("json2")
    assert (wire.http_status, wire.message, wire.arguments) == (
        422,
        "missing a required argument: 'domain'",
        ("missing a required argument: 'domain'", 422),
    )


def test_json2_ids_on_a_model_level_method_are_refused(db: Database) -> None:
    with pytest.raises(
        UnprocessableEntity, match=re.escape("cannot call res.partner.create with ids")
    ):
        db.call_json2(ADMIN, "res.partner", "create", {"ids": [1], "vals_list": [{"name": "x"}]})


def test_json2_unknown_argument_of_search_read_fails_inside_read_format(db: Database) -> None:
    with pytest.raises(BadArguments) as caught:
        db.call_json2(ADMIN, "res.partner", "search_read", {"nope_param": 1})
    wire = caught.value.wire("json2")
    assert (wire.name, wire.http_status) == ("builtins.TypeError", 500)
    assert (
        wire.message == "BaseModel._read_format() got an unexpected keyword argument 'nope_param'"
    )


def test_json2_unknown_argument_of_a_closed_signature_fails_binding(db: Database) -> None:
    # search has no **kwargs: Odoo's signature.bind() refuses it before the call (422).
    with pytest.raises(
        UnprocessableEntity, match=r"^got an unexpected keyword argument 'nope_param'$"
    ):
        db.call_json2(ADMIN, "res.partner", "search", {"domain": [], "nope_param": 1})


def test_execute_kw_unknown_keyword_is_pythons_type_error(db: Database) -> None:
    with pytest.raises(BadArguments) as caught:
        db.execute_kw(ADMIN, "res.partner", "search", [[]], {"nope_param": 1})
    assert (
        caught.value.message == "BaseModel.search() got an unexpected keyword argument 'nope_param'"
    )
    with pytest.raises(
        BadArguments, match=r"PurchaseOrder.button_confirm\(\) takes 1 positional argument"
    ):
        db.execute_kw(ADMIN, "purchase.order", "button_confirm", [[1], "extra"], None)


def test_execute_kw_record_methods_take_their_ids_first(db: Database) -> None:
    assert db.execute_kw(ADMIN, "res.partner", "read", [1, ["name"]], None).value == [
        {"id": 1, "name": "Healthbridge Hospital Group"}
    ]
    assert db.execute_kw(ADMIN, "res.partner", "read", [[1], ["name"]], {}).value[0]["id"] == 1
    with pytest.raises(MissingIds) as caught:
        db.execute_kw(ADMIN, "res.partner", "read", [], None)
    assert caught.value.wire("jsonrpc").name == "builtins.IndexError"


def test_execute_kw_accepts_kwargs_none_and_keyword_arguments(db: Database) -> None:
    assert db.execute_kw(ADMIN, "res.partner", "search_count", [[]], None).value > 80
    by_name = db.execute_kw(ADMIN, "res.partner", "search", [], {"domain": [["id", "=", 1]]}).value
    assert by_name == [1]


def test_json2_named_arguments_match_odoo_19_parameter_names(db: Database) -> None:
    client = Client(db)
    partner = client.json2("res.partner", "create", vals_list=[{"name": "Named"}])[0]
    assert (
        client.json2("res.partner", "write", ids=[partner], vals={"email": "n@example.com"}) is True
    )
    assert client.json2(
        "res.partner", "search", domain=[["id", "=", partner]], offset=0, limit=1, order="id"
    ) == [partner]
    assert (
        client.json2("res.partner", "search_count", domain=[["id", "=", partner]], limit=None) == 1
    )
    assert client.json2(
        "res.partner", "read", ids=[partner], fields=["email"], load="_classic_read"
    ) == [{"id": partner, "email": "n@example.com"}]
    assert client.json2(
        "res.partner", "name_search", name="Named", domain=[], operator="ilike", limit=5
    ) == [[partner, "Named"]]
    assert client.json2("res.partner", "fields_get", allfields=["email"], attributes=["type"]) == {
        "email": {"type": "char"}
    }
    assert client.json2("res.partner", "has_access", ids=[partner], operation="unlink") is True
    assert client.json2("res.partner", "unlink", ids=[partner]) is True


def test_recordset_results_become_lists_of_ids(db: Database) -> None:
    assert db.call_json2(
        ADMIN, "res.partner", "search", {"domain": [["id", "in", [1, 3]]], "order": "id"}
    ).value == [1, 3]
    assert db.call_json2(ADMIN, "res.partner", "exists", {"ids": [1, 999999]}).value == [1]


def test_only_odoo_errors_leave_the_database(db: Database) -> None:
    with pytest.raises(OdooError):
        db.execute_kw(ADMIN, "res.partner", "search", [[["id", "in", [[1]]]]], None)
    with pytest.raises(OdooError):
        db.execute_kw(ADMIN, "res.partner", "search", "not a list", None)  # type: ignore[arg-type]
    with pytest.raises(OdooError):
        db.call_json2(ADMIN, "res.partner", "search", {"domain": [], "context": "fr_FR"})
