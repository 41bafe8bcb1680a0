"""Transport facts common to every endpoint (wire facts, section 0), checked on raw bytes."""

from __future__ import annotations

import asyncio
import json
import xmlrpc.client

import pytest

from tests.integration.sandbox.rawhttp import raw_request

# (name, method, path, content type, body builder, expected status, nosniff expected)
CASES = [
    (
        "json2 success",
        "POST",
        "/json/2/res.partner/search_count",
        "application/json",
        '{"domain": []}',
        200,
        True,
    ),
    (
        "json2 error",
        "POST",
        "/json/2/no.such/search_count",
        "application/json",
        '{"domain": []}',
        404,
        False,
    ),
    (
        "json2 no key",
        "POST",
        "/json/2/res.partner/search_count",
        "application/json",
        "{}",
        401,
        False,
    ),
    ("json2 415", "POST", "/json/2/res.partner/search_count", "text/plain", "{}", 415, False),
    (
        "jsonrpc result",
        "POST",
        "/jsonrpc",
        "application/json",
        '{"id": 1, "params": {"service": "common", "method": "version", "args": []}}',
        200,
        True,
    ),
    (
        "jsonrpc error",
        "POST",
        "/jsonrpc",
        "application/json",
        '{"id": 1, "params": {"service": "common", "method": "nope", "args": []}}',
        200,
        False,
    ),
    ("jsonrpc 400", "POST", "/jsonrpc", "application/json", "{x", 400, True),
    ("jsonrpc 415", "POST", "/jsonrpc", "text/plain", "{}", 415, False),
    (
        "xmlrpc result",
        "POST",
        "/xmlrpc/2/common",
        "text/xml",
        xmlrpc.client.dumps((), "version"),
        200,
        True,
    ),
    (
        "xmlrpc fault",
        "POST",
        "/xmlrpc/2/object",
        "text/xml",
        xmlrpc.client.dumps(
            ("healthbridge", 2, "WRONG", "res.partner", "search_count", [[]]), "execute_kw"
        ),
        200,
        False,
    ),
    ("web version", "GET", "/web/version", None, "", 200, True),
    ("unknown route", "GET", "/no/such/route", None, "", 404, False),
]
IDS = [case[0] for case in CASES]


def _headers(content_type: str | None, name: str, sandbox) -> dict[str, str]:
    headers = {"Content-Type": content_type} if content_type else {}
    if name.startswith("json2") and name != "json2 no key":
        headers["Authorization"] = f"bearer {sandbox.api_keys['admin']}"
    return headers


@pytest.mark.parametrize(
    ("name", "method", "path", "content_type", "body", "status", "nosniff"), CASES, ids=IDS
)
async def test_every_response_is_http_1_1_and_closes_the_connection(
    odoo_sandbox, name, method, path, content_type, body, status, nosniff
):
    response = await raw_request(
        odoo_sandbox.url,
        method,
        path,
        body=body.encode(),
        headers=_headers(content_type, name, odoo_sandbox),
    )

    assert response.status == status
    assert response.status_line.startswith("HTTP/1.1 ")
    assert response.header("Connection") == "close"
    assert response.closed_by_server


@pytest.mark.parametrize(
    ("name", "method", "path", "content_type", "body", "status", "nosniff"), CASES, ids=IDS
)
async def test_only_successes_and_the_jsonrpc_plain_400s_say_nosniff(
    odoo_sandbox, name, method, path, content_type, body, status, nosniff
):
    response = await raw_request(
        odoo_sandbox.url,
        method,
        path,
        body=body.encode(),
        headers=_headers(content_type, name, odoo_sandbox),
    )

    assert (response.header("X-Content-Type-Options") == "nosniff") is nosniff
    assert response.has_header("X-Content-Type-Options") is nosniff


@pytest.mark.parametrize(
    "path", ["/jsonrpc", "/xmlrpc/2/common", "/json/2/res.partner/search_count"]
)
async def test_rpc_endpoints_set_no_cookie(odoo_sandbox, path):
    bodies = {
        "/jsonrpc": '{"params": {"service": "common", "method": "version", "args": []}}',
        "/xmlrpc/2/common": xmlrpc.client.dumps((), "version"),
        "/json/2/res.partner/search_count": '{"domain": []}',
    }
    body = bodies[path]
    headers = {
        "Content-Type": "text/xml" if "xmlrpc" in path else "application/json",
        "Authorization": f"bearer {odoo_sandbox.api_keys['admin']}",
    }

    response = await raw_request(
        odoo_sandbox.url, "POST", path, body=body.encode(), headers=headers
    )

    assert response.status == 200
    assert not response.has_header("Set-Cookie")


async def test_an_unknown_route_is_werkzeug_s_404_page(odoo_sandbox):
    response = await raw_request(odoo_sandbox.url, "GET", "/no/such/route")

    assert response.status == 404
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.body.decode() == (
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
        "<p>The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again.</p>\n"
    )


async def test_the_server_header_names_werkzeug_like_the_observed_host(odoo_sandbox):
    response = await raw_request(odoo_sandbox.url, "GET", "/web/version")

    assert response.header("Server") == "Werkzeug/2.2.2 Python/3.11.7"


async def test_keep_alive_can_be_allowed_so_clients_reuse_connections(odoo_sandbox_factory):
    sandbox = await odoo_sandbox_factory(connection_close=False)
    host, port = sandbox.url.removeprefix("http://").split(":")
    body = b'{"id": 1, "params": {"service": "common", "method": "version", "args": []}}'
    request = (
        f"POST /jsonrpc HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        heads = []
        for _ in range(3):
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            length = int(
                next(
                    line
                    for line in head.decode().split("\r\n")
                    if line.startswith("Content-Length")
                ).split(": ")[1]
            )
            await asyncio.wait_for(reader.readexactly(length), 5)
            heads.append(head.decode())
    finally:
        writer.close()
        await writer.wait_closed()

    assert len(heads) == 3
    assert all(head.startswith("HTTP/1.1 200 OK") for head in heads)
    assert not any("Connection: close" in head for head in heads)


async def test_a_large_body_is_accepted(odoo_sandbox):
    names = [{"name": f"Bulk partner {i:05d} " + "x" * 200} for i in range(6000)]
    body = json.dumps({"vals_list": names}).encode()
    assert len(body) > 1024 * 1024

    response = await raw_request(
        odoo_sandbox.url,
        "POST",
        "/json/2/res.partner/create",
        body=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"bearer {odoo_sandbox.api_keys['admin']}",
        },
    )

    assert response.status == 200
    assert len(response.json()) == 6000
