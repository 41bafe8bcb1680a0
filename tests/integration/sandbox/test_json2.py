"""JSON-2 (``POST /json/2/<model>/<method>``) answers as Odoo 19.0 did (wire facts, section 3)."""

from __future__ import annotations

import json

import pytest

from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.sandbox.calls import execute_kw, json2
from tests.integration.sandbox.rawhttp import post_json, raw_request

ERROR_KEYS = ["name", "message", "arguments", "context", "debug"]
JSON_TYPE = "application/json; charset=utf-8"


def assert_error(response, status: int, name: str, message: str | None = None) -> dict:
    """A JSON-2 error: status, JSON body in 19.0 key order, no nosniff."""
    assert response.status == status, response.body
    assert response.header("Content-Type") == JSON_TYPE
    assert not response.has_header("X-Content-Type-Options")
    body = response.json()
    assert list(body) == ERROR_KEYS
    assert body["name"] == name
    assert body["context"] == {}
    if message is not None:
        assert body["message"] == message
    if name.startswith("werkzeug."):
        assert body["arguments"] == [body["message"], status]
    else:
        assert body["arguments"] == [body["message"]]
    return body


async def test_search_read_answers_200_with_the_raw_rows_and_no_envelope(odoo_sandbox):
    query = {"domain": [["is_company", "=", True]], "fields": ["name", "country_id", "write_date"]}
    response = await json2(
        odoo_sandbox, "res.partner", "search_read", {**query, "limit": 2, "order": "id"}
    )

    assert response.status_line == "HTTP/1.1 200 OK"
    assert response.header("Content-Type") == JSON_TYPE
    assert response.header("X-Content-Type-Options") == "nosniff"
    rows = response.json()
    assert isinstance(rows, list)
    assert 1 <= len(rows) <= 2
    assert all(list(row) == ["id", "name", "country_id", "write_date"] for row in rows)
    over_jsonrpc = await execute_kw(
        odoo_sandbox,
        "res.partner",
        "search_read",
        [query["domain"]],
        {"fields": query["fields"], "limit": 2, "order": "id"},
    )
    assert over_jsonrpc.json()["result"] == rows


async def test_the_body_is_utf8_json_with_python_separators_and_no_ascii_escaping(odoo_sandbox):
    created = await json2(
        odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Zoë Ångström ✓"}]}
    )
    (new_id,) = created.json()

    response = await json2(
        odoo_sandbox, "res.partner", "read", {"ids": [new_id], "fields": ["name"]}
    )

    assert response.body == f'[{{"id": {new_id}, "name": "Zoë Ångström ✓"}}]'.encode()


@pytest.mark.parametrize("scheme", ["bearer", "Bearer", "BEARER"])
async def test_the_bearer_scheme_is_case_insensitive(odoo_sandbox, scheme):
    key = odoo_sandbox.api_keys["admin"]
    response = await post_json(
        odoo_sandbox.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": f"{scheme} {key}"},
    )

    assert response.status == 200
    assert isinstance(response.json(), int)


async def test_the_database_header_may_name_the_served_database(odoo_sandbox):
    response = await json2(
        odoo_sandbox,
        "res.partner",
        "search_count",
        {"domain": []},
        headers={"X-Odoo-Database": odoo_sandbox.database},
    )

    assert response.status == 200


async def test_an_unknown_database_header_gets_odoo_s_html_404_page(odoo_sandbox):
    response = await json2(
        odoo_sandbox,
        "res.partner",
        "search_count",
        {"domain": []},
        headers={"X-Odoo-Database": "no_such_db"},
    )

    assert response.status == 404
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    text = response.body.decode()
    assert (
        "No database is selected and the requested URL was not found in the server-wide "
        "controllers." in text
    )
    assert "<!-- Alternatively, use the X-Odoo-Database header. -->" in text


async def test_a_missing_authorization_header_is_a_401_that_names_the_bearer_scheme(odoo_sandbox):
    response = await post_json(odoo_sandbox.url, "/json/2/res.partner/search_count", {"domain": []})

    assert_error(
        response,
        401,
        "werkzeug.exceptions.Unauthorized",
        "User not authenticated, use an API Key with a Bearer Authorization header.",
    )
    assert response.header("WWW-Authenticate") == "Bearer "


async def test_a_non_bearer_authorization_header_counts_as_missing(odoo_sandbox):
    response = await post_json(
        odoo_sandbox.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
    )

    assert_error(response, 401, "werkzeug.exceptions.Unauthorized")
    assert response.json()["message"].startswith("User not authenticated")


async def test_a_wrong_api_key_is_a_401_invalid_apikey(odoo_sandbox):
    response = await post_json(
        odoo_sandbox.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": "bearer not-a-key"},
    )

    body = assert_error(response, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
    assert body["debug"].startswith("Traceback (most recent call last):")
    assert response.header("WWW-Authenticate") == "Bearer "


async def test_a_password_is_not_an_api_key(odoo_sandbox):
    response = await post_json(
        odoo_sandbox.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": "bearer admin"},
    )

    assert_error(response, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_non_json_content_type_is_a_415_html_page(odoo_sandbox, content_type):
    headers = {"Authorization": f"bearer {odoo_sandbox.api_keys['admin']}"}
    if content_type:
        headers["Content-Type"] = content_type

    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/json/2/res.partner/search_count",
        body=b'{"domain": []}',
        headers=headers,
    )

    assert response.status == 415
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert not response.has_header("X-Content-Type-Options")
    assert (
        "Request inferred type is compatible with [&#39;http&#39;] but "
        "&#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is type=&#39;json2&#39;."
    ) in response.body.decode()


async def test_malformed_json_is_a_400_bad_request_that_quotes_the_parser(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/json/2/res.partner/search_count",
        body=b"{not json",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"bearer {odoo_sandbox.api_keys['admin']}",
        },
    )

    assert_error(
        response,
        400,
        "werkzeug.exceptions.BadRequest",
        "could not parse the body as json: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/json/2/res.partner/search_read"),
        ("POST", "/json/2/res.partner"),
        ("POST", "/json/2/res.partner/search_read/extra"),
        ("GET", "/json/2"),
    ],
)
async def test_other_paths_and_methods_under_json2_are_a_404_did_you_mean(
    odoo_sandbox, method, path
):
    response = await raw_request(
        odoo_sandbox.url, method, path, headers={"Content-Type": "application/json"}
    )

    assert_error(
        response, 404, "werkzeug.exceptions.NotFound", "Did you mean POST /json/2/<model>/<method>?"
    )


async def test_an_unknown_model_is_a_404_not_found(odoo_sandbox):
    response = await json2(odoo_sandbox, "no.such.model", "search_read", {"domain": []})

    assert_error(
        response, 404, "werkzeug.exceptions.NotFound", "the model 'no.such.model' does not exist"
    )


async def test_an_unknown_method_is_a_404_not_found(odoo_sandbox):
    response = await json2(odoo_sandbox, "res.partner", "no_such_method", {})

    assert_error(
        response,
        404,
        "werkzeug.exceptions.NotFound",
        "The method 'res.partner.no_such_method' does not exist",
    )


async def test_a_private_method_is_a_403_access_error(odoo_sandbox):
    response = await json2(odoo_sandbox, "res.partner", "_compute_display_name", {"ids": [1]})

    assert_error(
        response,
        403,
        "odoo.exceptions.AccessError",
        "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.",
    )


async def test_reading_a_model_the_user_has_no_rights_on_is_a_403(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "ir.config_parameter", "search_read", {"domain": []}, login="demo"
    )

    body = assert_error(response, 403, "odoo.exceptions.AccessError")
    assert body["message"].startswith(
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records."
    )


async def test_a_partner_without_a_name_is_a_422_validation_error_and_nothing_is_written(
    odoo_sandbox,
):
    before = (await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})).json()

    response = await json2(
        odoo_sandbox, "res.partner", "create", {"vals_list": [{"email": "x@y.example"}]}
    )

    assert_error(
        response,
        422,
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed: Contacts require a name",
    )
    after = (await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})).json()
    assert after == before


async def test_writing_a_missing_record_is_a_404_missing_error(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "write", {"ids": [999999], "vals": {"name": "X"}}
    )

    assert_error(
        response,
        404,
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)",
    )


async def test_reading_a_missing_record_is_an_empty_list(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "read", {"ids": [999999], "fields": ["name"]}
    )

    assert response.status == 200
    assert response.json() == []


async def test_an_unknown_field_is_a_500_value_error(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "search_read", {"domain": [], "fields": ["nope_field"]}
    )

    assert_error(
        response, 500, "builtins.ValueError", "Invalid field 'nope_field' on 'res.partner'"
    )


async def test_an_unknown_argument_name_is_a_500_type_error(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "search_read", {"domain": [], "nope_param": 1}
    )

    body = assert_error(response, 500, "builtins.TypeError")
    assert "unexpected keyword argument 'nope_param'" in body["message"]


@pytest.mark.parametrize("body", [{}, [1, 2]])
async def test_a_missing_required_argument_is_a_422(odoo_sandbox, body):
    response = await json2(odoo_sandbox, "res.partner", "search_count", body)

    assert_error(
        response,
        422,
        "werkzeug.exceptions.UnprocessableEntity",
        "missing a required argument: 'domain'",
    )


async def test_an_empty_body_is_read_as_no_arguments(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/json/2/res.partner/search_count",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"bearer {odoo_sandbox.api_keys['admin']}",
        },
    )

    assert_error(
        response,
        422,
        "werkzeug.exceptions.UnprocessableEntity",
        "missing a required argument: 'domain'",
    )


async def test_ids_given_to_a_model_method_is_a_422(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "create", {"ids": [1], "vals_list": [{"name": "A"}]}
    )

    assert_error(
        response,
        422,
        "werkzeug.exceptions.UnprocessableEntity",
        "cannot call res.partner.create with ids",
    )


async def test_create_returns_the_new_ids_and_write_returns_true(odoo_sandbox: RunningSandbox):
    created = await json2(
        odoo_sandbox,
        "res.partner",
        "create",
        {"vals_list": [{"name": "Wire A"}, {"name": "Wire B"}]},
    )
    ids = created.json()

    written = await json2(
        odoo_sandbox, "res.partner", "write", {"ids": ids, "vals": {"email": "wire@example.com"}}
    )

    assert created.status == 200
    assert isinstance(ids, list)
    assert len(ids) == 2
    assert written.body == b"true"
    rows = await json2(
        odoo_sandbox, "res.partner", "read", {"ids": ids, "fields": ["name", "email"]}
    )
    assert [(row["name"], row["email"]) for row in rows.json()] == [
        ("Wire A", "wire@example.com"),
        ("Wire B", "wire@example.com"),
    ]


async def test_context_get_tells_the_caller_its_uid(odoo_sandbox):
    response = await json2(odoo_sandbox, "res.users", "context_get", {}, login="demo")

    assert response.status == 200
    assert response.json()["uid"] == 5


async def test_each_error_body_is_valid_json_with_a_traceback_in_debug(odoo_sandbox):
    response = await json2(
        odoo_sandbox, "res.partner", "search_read", {"domain": [["nope_field", "=", 1]]}
    )

    body = json.loads(response.body)
    assert body["name"] == "builtins.ValueError"
    assert (
        body["message"]
        == "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)"
    )
    assert body["debug"].startswith("Traceback (most recent call last):")


async def test_a_method_returning_none_answers_null(odoo_sandbox):
    (order_id,) = (
        await json2(odoo_sandbox, "purchase.order", "search", {"domain": [], "limit": 1})
    ).json()

    response = await json2(odoo_sandbox, "purchase.order", "button_lock", {"ids": [order_id]})

    assert response.status == 200
    assert response.body == b"null"
