"""The runner: ``python -m healthbridge.sandbox.odoo`` as a process, and in-process start/stop."""

from __future__ import annotations

import asyncio
import signal
import socket

import pytest

from healthbridge.sandbox.odoo import SandboxStartError, running_sandbox, start_sandbox
from tests.integration.sandbox.rawhttp import post_json, raw_request
from tests.support.sandbox import spawn_sandbox_process


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


async def test_the_process_prints_where_it_listens_and_answers_there(odoo_sandbox_process):
    key = odoo_sandbox_process.api_keys["admin"]

    version = await raw_request(odoo_sandbox_process.url, "GET", "/web/version")
    counted = await post_json(
        odoo_sandbox_process.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": f"bearer {key}", "X-Odoo-Database": odoo_sandbox_process.database},
    )

    assert odoo_sandbox_process.url.startswith("http://127.0.0.1:")
    assert odoo_sandbox_process.port > 0
    assert odoo_sandbox_process.database == "healthbridge"
    assert set(odoo_sandbox_process.api_keys) >= {
        "admin",
        "demo",
        "hub-integration",
        "stock-reader",
    }
    assert odoo_sandbox_process.control_token
    assert version.json()["version"] == "19.0"
    assert counted.status == 200
    assert isinstance(counted.json(), int)


async def test_sigterm_stops_the_process_cleanly_and_frees_the_port(odoo_sandbox_process):
    port = odoo_sandbox_process.port
    assert port_is_open(port)

    code = await asyncio.to_thread(odoo_sandbox_process.terminate)

    assert code == 0
    assert not port_is_open(port)


async def test_sigint_stops_it_too(odoo_sandbox_process):
    odoo_sandbox_process.process.send_signal(signal.SIGINT)

    code = await asyncio.to_thread(odoo_sandbox_process.process.wait, 10)

    assert code == 0


async def test_after_a_sigkill_it_restarts_on_the_same_port_with_the_same_keys(
    odoo_sandbox_process,
):
    port, keys = odoo_sandbox_process.port, dict(odoo_sandbox_process.api_keys)
    code = await asyncio.to_thread(odoo_sandbox_process.kill)
    assert code == -signal.SIGKILL
    with pytest.raises(ConnectionRefusedError):
        await raw_request(odoo_sandbox_process.url, "GET", "/web/version", timeout=2)

    await asyncio.to_thread(odoo_sandbox_process.restart)
    counted = await post_json(
        odoo_sandbox_process.url,
        "/json/2/res.partner/search_count",
        {"domain": []},
        {"Authorization": f"bearer {keys['admin']}"},
    )

    assert odoo_sandbox_process.port == port
    assert odoo_sandbox_process.api_keys == keys
    assert counted.status == 200


async def test_command_line_options_set_the_mode_the_name_and_the_keys():
    sandbox = await asyncio.to_thread(
        spawn_sandbox_process,
        "--server-version",
        "17.0",
        "--db",
        "clinic",
        "--keep-alive",
        api_keys={"admin": "fixed-admin-key"},
        control_token="fixed-token",
    )
    try:
        web_version = await raw_request(sandbox.url, "GET", "/web/version")
        login = await post_json(
            sandbox.url,
            "/jsonrpc",
            {
                "id": 1,
                "params": {
                    "service": "common",
                    "method": "login",
                    "args": ["clinic", "admin", "fixed-admin-key"],
                },
            },
        )
        info = await raw_request(
            sandbox.url, "GET", "/_sandbox/info", headers={"X-Sandbox-Token": "fixed-token"}
        )
    finally:
        await asyncio.to_thread(sandbox.close)

    assert (sandbox.database, sandbox.server_version) == ("clinic", "17.0")
    assert sandbox.api_keys["admin"] == "fixed-admin-key"
    assert web_version.status == 404
    assert login.json()["result"] == 2
    assert login.header("Connection") is None
    assert info.json()["server_version"] == "17.0"


def test_a_bad_api_key_option_stops_the_process_with_a_message():
    with pytest.raises(RuntimeError, match="--api-key expects LOGIN=KEY"):
        spawn_sandbox_process("--api-key", "no-equals-sign")


async def test_running_sandbox_listens_inside_the_block_and_not_after():
    async with running_sandbox(database="inprocess") as sandbox:
        port = int(sandbox.url.rsplit(":", 1)[1])
        response = await raw_request(sandbox.url, "GET", "/web/version")
        assert response.status == 200
        assert sandbox.database == "inprocess"

    assert not port_is_open(port)


async def test_start_sandbox_reports_a_port_in_use():
    first = await start_sandbox()
    try:
        with pytest.raises(SandboxStartError):
            await start_sandbox(port=int(first.url.rsplit(":", 1)[1]))
    finally:
        await first.stop()


async def test_api_keys_can_be_fixed_in_process(odoo_sandbox_factory):
    sandbox = await odoo_sandbox_factory(api_keys={"demo": "demo-fixed"})

    response = await post_json(
        sandbox.url, "/json/2/res.users/context_get", {}, {"Authorization": "bearer demo-fixed"}
    )

    assert sandbox.api_keys["demo"] == "demo-fixed"
    assert response.json()["uid"] == 5


async def test_stop_is_idempotent():
    sandbox = await start_sandbox()

    await sandbox.stop()
    await sandbox.stop()
