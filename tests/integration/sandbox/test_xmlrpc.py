"""XML-RPC (``/xmlrpc/2/common`` and ``/xmlrpc/2/object``) answers as Odoo 19.0 did (section 1)."""

from __future__ import annotations

import asyncio
import xmlrpc.client

import pytest

from tests.integration.sandbox.calls import json2, xml_fault, xml_result, xmlrpc_call
from tests.integration.sandbox.rawhttp import raw_request

XML_TYPE = "text/xml; charset=utf-8"


def assert_fault(response, code: int) -> str:
    """A fault: HTTP 200 text/xml without nosniff; returns the faultString."""
    assert response.status == 200
    assert response.header("Content-Type") == XML_TYPE
    assert not response.has_header("X-Content-Type-Options")
    fault = xml_fault(response)
    assert fault.faultCode == code, fault.faultString
    return fault.faultString


async def test_common_version_is_a_struct_in_odoo_s_document(odoo_sandbox):
    response = await xmlrpc_call(odoo_sandbox, "common", "version", ())

    assert response.status == 200
    assert response.header("Content-Type") == XML_TYPE
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.body.startswith(
        b'<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n'
    )
    assert xml_result(response) == {
        "server_version": "19.0",
        "server_version_info": [19, 0, 0, "final", 0, ""],
        "server_serie": "19.0",
        "protocol_version": 1,
    }


async def test_authenticate_returns_the_uid_or_false(odoo_sandbox):
    db = odoo_sandbox.database

    right = await xmlrpc_call(odoo_sandbox, "common", "authenticate", (db, "admin", "admin", {}))
    by_key = await xmlrpc_call(
        odoo_sandbox, "common", "authenticate", (db, "admin", odoo_sandbox.api_keys["admin"], {})
    )
    wrong = await xmlrpc_call(odoo_sandbox, "common", "authenticate", (db, "admin", "WRONG", {}))

    assert xml_result(right) == 2
    assert xml_result(by_key) == 2
    assert b"<value><boolean>0</boolean></value>" in wrong.body
    assert xml_result(wrong) is False


async def test_rows_carry_many2one_as_arrays_and_datetimes_as_strings(odoo_sandbox):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (
            odoo_sandbox.database,
            2,
            "admin",
            "res.partner",
            "search_read",
            [[["is_company", "=", True], ["country_id", "!=", False]]],
            {"fields": ["name", "country_id", "write_date"], "limit": 1, "order": "id"},
        ),
    )

    (row,) = xml_result(response)
    assert b"<dateTime.iso8601>" not in response.body
    assert isinstance(row["country_id"], list)
    assert isinstance(row["country_id"][0], int)
    assert isinstance(row["country_id"][1], str)
    assert len(row["write_date"]) == len("2026-11-24 15:36:33")
    same = await json2(
        odoo_sandbox,
        "res.partner",
        "search_read",
        {
            "domain": [["is_company", "=", True], ["country_id", "!=", False]],
            "fields": ["name", "country_id", "write_date"],
            "limit": 1,
            "order": "id",
        },
    )
    assert [row] == same.json()


async def test_a_wrong_password_is_fault_3_access_denied(odoo_sandbox):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "WRONG", "res.partner", "search_read", [[]]),
    )

    assert assert_fault(response, 3) == "Access Denied"
    assert b"<value><int>3</int></value>" in response.body


async def test_an_access_error_is_fault_4_with_the_message(odoo_sandbox):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 5, "demo", "ir.config_parameter", "search_read", [[]]),
    )

    text = assert_fault(response, 4)
    assert text.startswith(
        "You are not allowed to access 'System Parameter' (ir.config_parameter) records."
    )


async def test_a_private_method_is_fault_4(odoo_sandbox):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", "res.partner", "check_access", [[1], "read"]),
    )

    assert (
        assert_fault(response, 4)
        == "Private methods (such as 'res.partner.check_access') cannot be called remotely."
    )


@pytest.mark.parametrize(
    ("model", "method", "args", "message"),
    [
        (
            "res.partner",
            "create",
            [{"email": "x@y.example"}],
            "The operation cannot be completed: Contacts require a name",
        ),
        (
            "res.partner",
            "write",
            [[999999], {"name": "X"}],
            "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)",
        ),
        ("no.such.model", "search_read", [[]], "Object no.such.model doesn't exist"),
    ],
)
async def test_user_errors_are_fault_2_with_the_message(odoo_sandbox, model, method, args, message):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", model, method, args),
    )

    assert assert_fault(response, 2) == message


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "last_line"),
    [
        (
            "search_read",
            [[]],
            {"fields": ["nope_field"]},
            "ValueError: Invalid field 'nope_field' on 'res.partner'",
        ),
        (
            "no_such_method",
            [[]],
            {},
            "AttributeError: The method 'res.partner.no_such_method' does not exist",
        ),
    ],
)
async def test_unexpected_errors_are_fault_1_with_a_traceback(
    odoo_sandbox, method, args, kwargs, last_line
):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", "res.partner", method, args, kwargs),
    )

    text = assert_fault(response, 1)
    assert text.startswith("Traceback (most recent call last):\n")
    assert text.rstrip("\n").splitlines()[-1] == last_line


async def test_an_unknown_database_is_fault_1(odoo_sandbox):
    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        ("no_such_db", 2, "admin", "res.partner", "search_read", [[]]),
    )

    text = assert_fault(response, 1)
    assert 'psycopg2.OperationalError: connection to server at "' in text


async def test_control_characters_are_stripped_from_strings(odoo_sandbox):
    (new_id,) = (
        await json2(
            odoo_sandbox, "res.partner", "create", {"vals_list": [{"name": "Bell\x07 and\ttab"}]}
        )
    ).json()

    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (
            odoo_sandbox.database,
            2,
            "admin",
            "res.partner",
            "read",
            [[new_id]],
            {"fields": ["name"]},
        ),
    )

    assert xml_result(response) == [{"id": new_id, "name": "Bell and\ttab"}]


async def test_an_unreadable_request_is_a_500_page(odoo_sandbox):
    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/xmlrpc/2/common",
        body=b"<not xml",
        headers={"Content-Type": "text/xml"},
    )

    assert response.status == 500
    assert response.header("Content-Type") == "text/html; charset=utf-8"


async def test_the_standard_library_client_talks_to_the_sandbox(odoo_sandbox):
    url, db, key = odoo_sandbox.url, odoo_sandbox.database, odoo_sandbox.api_keys["admin"]

    def conversation() -> tuple:
        with xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common") as common:
            version = common.version()
            uid = common.authenticate(db, "admin", key, {})
        with xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object") as models:
            count = models.execute_kw(db, uid, key, "res.partner", "search_count", [[]])
            rows = models.execute_kw(
                db, uid, key, "res.partner", "search_read", [[]], {"fields": ["name"], "limit": 3}
            )
            try:
                models.execute_kw(db, uid, "WRONG", "res.partner", "search_count", [[]])
            except xmlrpc.client.Fault as fault:
                denied = (fault.faultCode, fault.faultString)
        return version, uid, count, rows, denied

    version, uid, count, rows, denied = await asyncio.to_thread(conversation)

    assert version["server_version"] == "19.0"
    assert uid == 2
    over_json2 = await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})
    assert count == over_json2.json()
    assert len(rows) == 3
    assert all(set(row) == {"id", "name"} for row in rows)
    assert denied == (3, "Access Denied")


async def test_a_method_returning_none_is_fault_1_after_its_commit(odoo_sandbox):
    (order_id,) = (
        await json2(odoo_sandbox, "purchase.order", "search", {"domain": [], "limit": 1})
    ).json()

    response = await xmlrpc_call(
        odoo_sandbox,
        "object",
        "execute_kw",
        (odoo_sandbox.database, 2, "admin", "purchase.order", "button_lock", [[order_id]]),
    )

    text = assert_fault(response, 1)
    assert text.endswith("TypeError: cannot marshal None unless allow_none is enabled\n")
    (row,) = (
        await json2(
            odoo_sandbox, "purchase.order", "read", {"ids": [order_id], "fields": ["state"]}
        )
    ).json()
    assert row["state"] == "done"
