"""JSON-RPC (``POST /jsonrpc``) answers as Odoo 19.0 did on the wire (facts, section 2)."""

from __future__ import annotations

import pytest

from tests.integration.sandbox.calls import execute_kw, json2, jsonrpc
from tests.integration.sandbox.rawhttp import raw_request

DATA_KEYS = ["name", "message", "arguments", "context", "debug"]
JSON_TYPE = "application/json; charset=utf-8"


def assert_error(response, request_id, name: str, message: str | None = None) -> dict:
    """An application error: HTTP 200, envelope with code 0, data in 19.0 key order, no nosniff."""
    assert response.status == 200
    assert response.header("Content-Type") == JSON_TYPE
    assert not response.has_header("X-Content-Type-Options")
    envelope = response.json()
    assert list(envelope) == ["jsonrpc", "id", "error"]
    assert envelope["jsonrpc"] == "2.0"
    assert envelope["id"] == request_id
    error = envelope["error"]
    assert list(error) == ["code", "message", "data"]
    assert error["code"] == 0
    assert error["message"] == "Odoo Server Error"
    data = error["data"]
    assert list(data) == DATA_KEYS
    assert data["name"] == name
    assert data["arguments"] == [data["message"]]
    assert data["context"] == {}
    if message is not None:
        assert data["message"] == message
    return data


async def test_common_version_is_a_result_envelope_in_odoo_s_key_order(odoo_sandbox):
    response = await jsonrpc(odoo_sandbox, "common", "version", [])

    assert response.status == 200
    assert response.header("Content-Type") == JSON_TYPE
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.body == (
        b'{"jsonrpc": "2.0", "id": 1, "result": {"server_version": "19.0", "server_version_info": '
        b'[19, 0, 0, "final", 0, ""], "server_serie": "19.0", "protocol_version": 1}}'
    )


@pytest.mark.parametrize("request_id", [7, "abc", None, 1.5, {"a": [1]}])
async def test_the_request_id_is_echoed_verbatim(odoo_sandbox, request_id):
    response = await jsonrpc(odoo_sandbox, "common", "version", [], request_id=request_id)

    assert response.json()["id"] == request_id


async def test_a_missing_id_is_echoed_as_null(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/jsonrpc",
        body=b'{"jsonrpc": "2.0", "method": "call", '
        b'"params": {"service": "common", "method": "version", "args": []}}',
        headers={"Content-Type": "application/json"},
    )

    assert response.json()["id"] is None


@pytest.mark.parametrize("method", ["authenticate", "login"])
async def test_authenticate_and_login_return_the_uid_for_a_password_or_an_api_key(
    odoo_sandbox, method
):
    extra = [{}] if method == "authenticate" else []
    db = odoo_sandbox.database

    by_password = await jsonrpc(odoo_sandbox, "common", method, [db, "admin", "admin", *extra])
    by_key = await jsonrpc(
        odoo_sandbox, "common", method, [db, "demo", odoo_sandbox.api_keys["demo"], *extra]
    )
    wrong = await jsonrpc(odoo_sandbox, "common", method, [db, "admin", "WRONG", *extra])

    assert by_password.json()["result"] == 2
    assert by_key.json()["result"] == 5
    assert wrong.json() == {"jsonrpc": "2.0", "id": 1, "result": False}


async def test_authenticate_needs_its_user_agent_argument(odoo_sandbox):
    response = await jsonrpc(
        odoo_sandbox, "common", "authenticate", [odoo_sandbox.database, "admin", "admin"]
    )

    data = assert_error(response, 1, "builtins.TypeError")
    assert "missing 1 required positional argument: 'user_agent_env'" in data["message"]


async def test_execute_kw_search_read_returns_rows_like_json2(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox,
        "res.partner",
        "search_read",
        [[["is_company", "=", True]]],
        {"fields": ["name", "email", "country_id", "write_date"], "limit": 2, "order": "id"},
        request_id=7,
    )

    envelope = response.json()
    assert list(envelope) == ["jsonrpc", "id", "result"]
    assert envelope["id"] == 7
    over_json2 = await json2(
        odoo_sandbox,
        "res.partner",
        "search_read",
        {
            "domain": [["is_company", "=", True]],
            "fields": ["name", "email", "country_id", "write_date"],
            "limit": 2,
            "order": "id",
        },
    )
    assert envelope["result"] == over_json2.json()


async def test_an_api_key_works_in_place_of_the_password(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox,
        "res.partner",
        "search_count",
        [[]],
        uid=5,
        password=odoo_sandbox.api_keys["demo"],
    )

    assert isinstance(response.json()["result"], int)


async def test_execute_takes_positional_arguments(odoo_sandbox):
    db = odoo_sandbox.database

    response = await jsonrpc(
        odoo_sandbox, "object", "execute", [db, 2, "admin", "res.partner", "search_count", []]
    )
    counted = await execute_kw(odoo_sandbox, "res.partner", "search_count", [[]])

    assert response.json()["result"] == counted.json()["result"]


async def test_reading_a_missing_id_is_an_empty_result(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox, "res.partner", "read", [[999999]], {"fields": ["name"]}, request_id=14
    )

    assert response.json() == {"jsonrpc": "2.0", "id": 14, "result": []}


async def test_a_wrong_password_is_access_denied_with_a_bare_debug_line(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox,
        "res.partner",
        "search_read",
        [[]],
        {"limit": 1},
        password="WRONG",
        request_id=8,
    )

    data = assert_error(response, 8, "odoo.exceptions.AccessDenied", "Access Denied")
    assert data["debug"] == "odoo.exceptions.AccessDenied: Access Denied\n"


async def test_an_empty_password_is_access_denied(odoo_sandbox):
    response = await execute_kw(odoo_sandbox, "res.partner", "search_count", [[]], password="")

    assert_error(response, 1, "odoo.exceptions.AccessDenied", "Access Denied")


async def test_an_unknown_field_is_a_value_error_with_a_traceback(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox,
        "res.partner",
        "search_read",
        [[]],
        {"fields": ["nope_field"], "limit": 1},
        request_id=9,
    )

    data = assert_error(
        response, 9, "builtins.ValueError", "Invalid field 'nope_field' on 'res.partner'"
    )
    assert data["debug"].startswith("Traceback (most recent call last):")


async def test_an_access_error_names_the_model_and_the_groups(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox,
        "ir.config_parameter",
        "search_read",
        [[]],
        uid=5,
        password="demo",
        request_id=10,
    )

    data = assert_error(response, 10, "odoo.exceptions.AccessError")
    assert data["message"].startswith(
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records."
    )


async def test_a_validation_error_leaves_nothing_behind(odoo_sandbox):
    response = await execute_kw(
        odoo_sandbox, "res.partner", "create", [{"email": "x@y.example"}], request_id=11
    )

    assert_error(
        response,
        11,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed: Contacts require a name",
    )
    found = await execute_kw(
        odoo_sandbox, "res.partner", "search_count", [[["email", "=", "x@y.example"]]]
    )
    assert found.json()["result"] == 0


@pytest.mark.parametrize(
    ("model", "method", "args", "name", "message"),
    [
        (
            "res.partner",
            "write",
            [[999999], {"name": "X"}],
            "odoo.exceptions.MissingError",
            "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)",
        ),
        (
            "no.such.model",
            "search_read",
            [[]],
            "odoo.exceptions.UserError",
            "Object no.such.model doesn't exist",
        ),
        (
            "res.partner",
            "no_such_method",
            [[]],
            "builtins.AttributeError",
            "The method 'res.partner.no_such_method' does not exist",
        ),
        (
            "res.partner",
            "_compute_display_name",
            [[1]],
            "odoo.exceptions.AccessError",
            "Private methods (such as 'res.partner._compute_display_name') "
            "cannot be called remotely.",
        ),
    ],
)
async def test_other_errors_carry_odoo_s_class_name_and_message(
    odoo_sandbox, model, method, args, name, message
):
    response = await execute_kw(odoo_sandbox, model, method, args)

    assert_error(response, 1, name, message)


async def test_an_unknown_database_is_psycopg2_s_operational_error(odoo_sandbox):
    response = await jsonrpc(
        odoo_sandbox,
        "object",
        "execute_kw",
        ["no_such_db", 2, "admin", "res.partner", "search_count", [[]]],
    )

    data = assert_error(response, 1, "psycopg2.OperationalError")
    assert data["message"].endswith('FATAL:  database "no_such_db" does not exist\n')
    assert data["message"].startswith("connection to server at ")


async def test_common_with_an_unknown_database_is_the_same_operational_error(odoo_sandbox):
    response = await jsonrpc(
        odoo_sandbox, "common", "authenticate", ["no_such_db", "admin", "admin", {}]
    )

    assert_error(response, 1, "psycopg2.OperationalError")


async def test_an_unknown_common_method_is_a_plain_exception(odoo_sandbox):
    response = await jsonrpc(odoo_sandbox, "common", "no_such", [])

    assert_error(response, 1, "builtins.Exception", "Method not found: no_such")


async def test_the_db_service_lists_the_one_database_and_the_version(odoo_sandbox):
    listed = await jsonrpc(odoo_sandbox, "db", "list", [])
    version = await jsonrpc(odoo_sandbox, "db", "server_version", [])

    assert listed.json()["result"] == [odoo_sandbox.database]
    assert version.json()["result"] == "19.0"


async def test_a_body_that_is_not_json_is_a_plain_400(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/jsonrpc",
        body=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status == 400
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.body == b"Invalid JSON data"


async def test_a_json_array_is_a_plain_400_invalid_jsonrpc_data(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/jsonrpc",
        body=b"[1,2]",
        headers={"Content-Type": "application/json"},
    )

    assert response.status == 400
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.body == b"Invalid JSON-RPC data"


async def test_a_text_plain_body_is_a_415_that_names_the_accepted_types(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url, "POST", "/jsonrpc", body=b"{}", headers={"Content-Type": "text/plain"}
    )

    assert response.status == 415
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.header("Accept") == "application/json, application/json-rpc"
    assert (
        "Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; "
        "is type=&#39;jsonrpc&#39;." in response.body.decode()
    )


async def test_the_json_rpc_mimetype_is_accepted_too(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/jsonrpc",
        body=b'{"id": 3, "params": {"service": "common", "method": "version", "args": []}}',
        headers={"Content-Type": "application/json-rpc"},
    )

    assert response.json()["id"] == 3


async def test_get_on_jsonrpc_is_a_405_page(odoo_sandbox):
    response = await raw_request(odoo_sandbox.url, "GET", "/jsonrpc")

    assert response.status == 405
    assert response.header("Allow") == "POST"
    assert response.header("Content-Type") == "text/html; charset=utf-8"


async def test_the_error_code_can_be_set_to_200_as_on_older_servers(odoo_sandbox_factory):
    sandbox = await odoo_sandbox_factory(jsonrpc_error_code=200)

    response = await execute_kw(sandbox, "res.partner", "search_count", [[]], password="WRONG")

    assert response.json()["error"]["code"] == 200
    assert list(response.json()["error"]["data"]) == DATA_KEYS


async def test_a_method_returning_none_omits_result_and_still_commits(odoo_sandbox):
    (order_id,) = (
        await json2(odoo_sandbox, "purchase.order", "search", {"domain": [], "limit": 1})
    ).json()

    response = await execute_kw(
        odoo_sandbox, "purchase.order", "button_lock", [[order_id]], request_id=21
    )

    assert response.body == b'{"jsonrpc": "2.0", "id": 21}'
    assert response.header("X-Content-Type-Options") == "nosniff"
    (row,) = (
        await json2(
            odoo_sandbox, "purchase.order", "read", {"ids": [order_id], "fields": ["state"]}
        )
    ).json()
    assert row["state"] == "done"
