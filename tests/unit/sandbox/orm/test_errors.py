"""Every error case the wire facts list, with Odoo 19's exact class, text and status."""

from __future__ import annotations

from typing import Any

import pytest

from healthbridge.sandbox.odoo.exceptions import OdooError
from healthbridge.sandbox.odoo.orm import Database

from .conftest import ADMIN, DEMO

CASES: list[tuple[str, int, str, str, list[Any], dict[str, Any], str, str, int]] = [
    (
        "unknown field in fields",
        ADMIN,
        "res.partner",
        "search_read",
        [[]],
        {"fields": ["nope_field"], "limit": 1},
        "builtins.ValueError",
        "Invalid field 'nope_field' on 'res.partner'",
        500,
    ),
    (
        "unknown field in the domain",
        ADMIN,
        "res.partner",
        "search_read",
        [[["nope_field", "=", 1]]],
        {},
        "builtins.ValueError",
        "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)",
        500,
    ),
    (
        "partner without a name",
        ADMIN,
        "res.partner",
        "create",
        [[{"email": "x@y.example"}]],
        {},
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed: Contacts require a name",
        422,
    ),
    (
        "recursive parent",
        ADMIN,
        "res.partner",
        "write",
        [[1], {"parent_id": 1}],
        {},
        "odoo.exceptions.ValidationError",
        "You cannot create recursive Partner hierarchies.",
        422,
    ),
    (
        "write on a missing id",
        ADMIN,
        "res.partner",
        "write",
        [[999999], {"name": "X"}],
        {},
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)",
        404,
    ),
    (
        "unlink of missing ids",
        ADMIN,
        "res.partner",
        "unlink",
        [[999998, 999999]],
        {},
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.\n"
        "(Record: res.partner(999998, 999999), User: 2)",
        404,
    ),
    (
        "private method",
        ADMIN,
        "res.partner",
        "_compute_display_name",
        [[1]],
        {},
        "odoo.exceptions.AccessError",
        "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.",
        403,
    ),
    (
        "check_access is private on 19.0",
        ADMIN,
        "res.partner",
        "check_access",
        [[1], "read"],
        {},
        "odoo.exceptions.AccessError",
        "Private methods (such as 'res.partner.check_access') cannot be called remotely.",
        403,
    ),
    (
        "language not installed",
        ADMIN,
        "res.partner",
        "search_read",
        [[]],
        {"context": {"lang": "fr_FR"}, "limit": 1},
        "odoo.exceptions.UserError",
        "Invalid language code: fr_FR",
        422,
    ),
    (
        "access to system parameters",
        DEMO,
        "ir.config_parameter",
        "search_read",
        [[]],
        {},
        "odoo.exceptions.AccessError",
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records.\n\n"
        "This operation is allowed for the following groups:\n\t- Role / Administrator\n\n"
        "Contact your administrator to request access if necessary.",
        403,
    ),
]


@pytest.mark.parametrize(
    ("case", "uid", "model", "method", "args", "kwargs", "name", "message", "status"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_each_error_case_has_odoos_class_text_and_status(
    db: Database,
    case: str,
    uid: int,
    model: str,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any],
    name: str,
    message: str,
    status: int,
) -> None:
    del case
    with pytest.raises(OdooError) as caught:
        db.execute_kw(uid, model, method, args, kwargs)
    wire = caught.value.wire("jsonrpc")
    assert (wire.name, wire.message) == (name, message)
    assert caught.value.wire("json2").http_status == status


def test_unknown_models_and_methods_look_different_on_each_protocol(db: Database) -> None:
    with pytest.raises(OdooError) as model:
        db.execute_kw(ADMIN, "no.such.model", "search", [[]], None)
    assert model.value.wire("jsonrpc").message == "Object no.such.model doesn't exist"
    assert model.value.wire("json2").message == "the model 'no.such.model' does not exist"
    with pytest.raises(OdooError) as method:
        db.call_json2(ADMIN, "res.partner", "no_such_method", {})
    assert method.value.wire("jsonrpc").name == "builtins.AttributeError"
    assert (
        method.value.wire("json2").message
        == "The method 'res.partner.no_such_method' does not exist"
    )
    with pytest.raises(OdooError) as field_as_method:
        db.execute_kw(ADMIN, "res.partner", "name", [[1]], None)
    assert field_as_method.value.message == "The method 'res.partner.name' does not exist"


def test_an_unknown_uid_is_access_denied(db: Database) -> None:
    with pytest.raises(OdooError) as caught:
        db.execute_kw(42, "res.partner", "search", [[]], None)
    assert caught.value.wire("xmlrpc").fault_code == 3
