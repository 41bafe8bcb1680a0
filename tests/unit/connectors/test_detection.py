"""The client learns the server's version, picks the protocol, and logs in, or says why not."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import pytest
from pydantic import SecretStr

from healthbridge.connectors.odoo import (
    OdooAuthenticationError,
    OdooClient,
    OdooTransportError,
    ServerVersion,
    choose_protocol,
)
from healthbridge.core.errors import ConfigError
from tests.unit.connectors.conftest import fast_settings
from tests.unit.connectors.scripted_odoo import (
    NOT_FOUND_PAGE,
    Protocol,
    Reply,
    ScriptedOdoo,
    json2_error,
)

Start = Callable[..., Awaitable[ScriptedOdoo]]


async def test_an_odoo_19_is_spoken_to_in_json2_and_reports_its_version(
    scripted_server: Start,
) -> None:
    server = await scripted_server("json2")

    async with await OdooClient.connect(fast_settings(server.url)) as client:
        assert client.protocol == "json2"
        assert client.server_version == "19.0"
        assert client.version_info == (19, 0, 0, "final", 0, "")
        assert client.uid == 2
    assert [(seen.model, seen.method) for seen in server.requests] == [
        ("web", "version"),
        ("res.users", "context_get"),
    ]


async def test_an_odoo_17_without_web_version_is_spoken_to_in_jsonrpc(
    scripted_server: Start,
) -> None:
    server = await scripted_server("jsonrpc")

    async with await OdooClient.connect(fast_settings(server.url)) as client:
        assert (client.protocol, client.server_version, client.uid) == ("jsonrpc", "17.0", 2)
        assert client.version_info[0] == 17


async def test_xmlrpc_is_chosen_only_when_jsonrpc_does_not_answer(scripted_server: Start) -> None:
    server = await scripted_server("xmlrpc")

    async with await OdooClient.connect(fast_settings(server.url)) as client:
        assert (client.protocol, client.server_version) == ("xmlrpc", "17.0")
    probes = [(seen.path, seen.method) for seen in server.requests]
    assert probes[:3] == [
        ("/web/version", "version"),
        ("/jsonrpc", "version"),
        ("/xmlrpc/2/common", "version"),
    ]


@pytest.mark.parametrize("forced", ["jsonrpc", "xmlrpc"])
async def test_the_protocol_setting_overrides_the_choice(
    scripted_server: Start, forced: Protocol
) -> None:
    server = await scripted_server("json2")

    async with await OdooClient.connect(fast_settings(server.url, protocol=forced)) as client:
        assert client.protocol == forced
        assert client.server_version == "19.0"


@pytest.mark.parametrize(
    ("version", "info", "source", "expected"),
    [
        ("19.0", (19, 0, 0, "final", 0, ""), "web", "json2"),
        ("20.0", (20, 0, 0, "final", 0, ""), "web", "json2"),
        ("18.0", (18, 0, 0, "final", 0, ""), "jsonrpc", "jsonrpc"),
        ("saas~17.4", ("saas~17", 4, 0, "final", 0, ""), "jsonrpc", "jsonrpc"),
        ("16.0", (16, 0, 0, "final", 0, ""), "xmlrpc", "xmlrpc"),
    ],
)
def test_json2_from_19_then_jsonrpc_then_xmlrpc(
    version: str, info: tuple[object, ...], source: str, expected: str
) -> None:
    found = ServerVersion(version, info, source)  # type: ignore[arg-type]

    assert choose_protocol(found) == expected


@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
async def test_a_false_login_result_is_an_authentication_error(
    scripted_server: Start, protocol: Protocol
) -> None:
    server = await scripted_server(protocol)
    settings = fast_settings(server.url, api_key=SecretStr("wrong-key"))

    with pytest.raises(OdooAuthenticationError, match=r"odoo\.api_key") as caught:
        await OdooClient.connect(settings)

    assert caught.value.method == "authenticate"
    assert "wrong-key" not in str(caught.value)
    assert len(server.calls("common", "authenticate")) == 1


async def test_a_rejected_bearer_key_fails_at_connect(scripted_server: Start) -> None:
    server = await scripted_server("json2")

    with pytest.raises(OdooAuthenticationError) as caught:
        await OdooClient.connect(fast_settings(server.url, api_key=SecretStr("wrong-key")))

    assert caught.value.http_status == 401


async def test_a_server_that_is_not_odoo_is_named_as_such(scripted_server: Start) -> None:
    server = await scripted_server("xmlrpc")
    # Every probe finds a 404 page: nothing on this server speaks Odoo.
    server.on("common", "version", NOT_FOUND_PAGE)

    with pytest.raises(OdooTransportError, match=r"odoo\.url"):
        await OdooClient.connect(fast_settings(server.url, protocol="xmlrpc"))


async def test_a_refused_connection_is_a_transient_transport_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = fast_settings(f"http://127.0.0.1:{port}", retry_attempts=2)

    with pytest.raises(OdooTransportError, match="could not connect") as caught:
        await OdooClient.connect(settings)

    assert caught.value.transient
    assert (caught.value.model, caught.value.method) == ("web", "version")


async def test_the_uid_comes_from_context_get_on_json2(scripted_server: Start) -> None:
    server = await scripted_server("json2")
    server.on(
        "res.users",
        "context_get",
        Reply.text('{"lang": "en_US", "tz": "Europe/Brussels", "uid": 7}'),
    )

    async with await OdooClient.connect(fast_settings(server.url)) as client:
        assert client.uid == 7
        assert await client.context_get() == {"lang": "en_US", "tz": "Europe/Brussels", "uid": 7}


async def test_a_key_json2_refuses_for_context_get_is_reported_as_authentication(
    scripted_server: Start,
) -> None:
    server = await scripted_server("json2")
    server.on(
        "res.users",
        "context_get",
        json2_error("werkzeug.exceptions.Unauthorized", "Invalid apikey", status=401),
    )

    with pytest.raises(OdooAuthenticationError):
        await OdooClient.connect(fast_settings(server.url))


@pytest.mark.parametrize(("missing", "key"), [("url", "odoo.url"), ("api_key", "odoo.api_key")])
async def test_missing_url_or_key_is_a_config_error_naming_the_setting(
    missing: str, key: str
) -> None:
    settings = fast_settings("http://127.0.0.1:9").model_copy(update={missing: None})

    with pytest.raises(ConfigError) as caught:
        await OdooClient.connect(settings)

    assert caught.value.details["key"] == key


async def test_forcing_json2_on_an_odoo_17_names_the_setting_to_change(
    scripted_server: Start,
) -> None:
    server = await scripted_server("jsonrpc")

    with pytest.raises(ConfigError, match="JSON-2 needs Odoo 19") as caught:
        await OdooClient.connect(fast_settings(server.url, protocol="json2"))

    assert caught.value.details["key"] == "odoo.protocol"
    assert server.calls("res.users", "context_get") == []
