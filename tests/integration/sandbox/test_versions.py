"""Version endpoints and the 17/18 modes, which let a connector's version detection be tested."""

from __future__ import annotations

import re

import pytest

from healthbridge.core.errors import ConfigError
from tests.integration.sandbox.calls import execute_kw, json2, jsonrpc, xml_result, xmlrpc_call
from tests.integration.sandbox.rawhttp import post_json, raw_request

COOKIE = re.compile(
    r"^session_id=[A-Za-z0-9_-]+; Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT; "
    r"Max-Age=604800; HttpOnly; Path=/$"
)


@pytest.mark.parametrize("path", ["/web/version", "/json/version"])
async def test_19_answers_its_version_without_credentials_and_sets_a_session_cookie(
    odoo_sandbox, path
):
    response = await raw_request(odoo_sandbox.url, "GET", path)

    assert response.status == 200
    assert response.header("Content-Type") == "application/json; charset=utf-8"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.body == b'{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}'
    assert COOKIE.match(response.header("Set-Cookie") or ""), response.header("Set-Cookie")


async def test_each_version_call_gets_a_new_session_id(odoo_sandbox):
    first = await raw_request(odoo_sandbox.url, "GET", "/web/version")
    second = await raw_request(odoo_sandbox.url, "GET", "/web/version")

    assert first.header("Set-Cookie") != second.header("Set-Cookie")


@pytest.mark.parametrize("version", ["17.0", "18.0"])
async def test_older_versions_have_no_web_version_route(odoo_sandbox_factory, version):
    sandbox = await odoo_sandbox_factory(server_version=version)

    for path in ("/web/version", "/json/version"):
        response = await raw_request(sandbox.url, "GET", path)
        assert response.status == 404
        assert response.header("Content-Type") == "text/html; charset=utf-8"


@pytest.mark.parametrize("version", ["17.0", "18.0"])
async def test_older_versions_have_no_json2_so_it_is_an_ordinary_html_404(
    odoo_sandbox_factory, version
):
    sandbox = await odoo_sandbox_factory(server_version=version)

    response = await post_json(
        sandbox.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": f"bearer {sandbox.api_keys['admin']}"},
    )

    assert response.status == 404
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert b"<title>404 Not Found</title>" in response.body


@pytest.mark.parametrize("version", ["17.0", "18.0"])
async def test_older_versions_report_their_version_over_both_rpc_protocols(
    odoo_sandbox_factory, version
):
    sandbox = await odoo_sandbox_factory(server_version=version)
    major = int(version.split(".")[0])

    over_json = await jsonrpc(sandbox, "common", "version", [])
    over_xml = await xmlrpc_call(sandbox, "common", "version", ())

    expected = {
        "server_version": version,
        "server_version_info": [major, 0, 0, "final", 0, ""],
        "server_serie": version,
        "protocol_version": 1,
    }
    assert over_json.json()["result"] == expected
    assert xml_result(over_xml) == expected


@pytest.mark.parametrize("version", ["17.0", "18.0"])
async def test_older_versions_send_error_code_200_and_the_older_key_order(
    odoo_sandbox_factory, version
):
    sandbox = await odoo_sandbox_factory(server_version=version)

    response = await execute_kw(sandbox, "res.partner", "search_count", [[]], password="WRONG")

    error = response.json()["error"]
    assert error["code"] == 200
    assert error["message"] == "Odoo Server Error"
    assert list(error["data"]) == ["name", "debug", "message", "arguments", "context"]
    assert error["data"]["name"] == "odoo.exceptions.AccessDenied"


async def test_older_versions_name_the_json_route_type_in_their_415(odoo_sandbox_factory):
    sandbox = await odoo_sandbox_factory(server_version="17.0")

    response = await raw_request(
        sandbox.url, "POST", "/jsonrpc", body=b"{}", headers={"Content-Type": "text/plain"}
    )

    assert response.status == 415
    assert "is type=&#39;json&#39;." in response.body.decode()


@pytest.mark.parametrize("version", ["17.0", "19.0"])
async def test_webclient_version_info_answers_on_every_version(odoo_sandbox_factory, version):
    sandbox = await odoo_sandbox_factory(server_version=version)

    response = await post_json(
        sandbox.url, "/web/webclient/version_info", {"jsonrpc": "2.0", "id": 4, "params": {}}
    )

    assert response.status == 200
    assert response.json()["id"] == 4
    assert response.json()["result"]["server_version"] == version


async def test_json2_still_works_next_to_the_legacy_protocols_on_19(odoo_sandbox):
    over_json2 = await json2(odoo_sandbox, "res.partner", "search_count", {"domain": []})
    over_jsonrpc = await execute_kw(odoo_sandbox, "res.partner", "search_count", [[]])

    assert over_json2.json() == over_jsonrpc.json()["result"]


async def test_an_unsupported_version_is_refused_at_start(odoo_sandbox_factory):
    with pytest.raises(ConfigError, match="server_version"):
        await odoo_sandbox_factory(server_version="16.0")
