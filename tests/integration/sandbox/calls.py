"""One call per protocol, made over real HTTP and returned raw, so tests see the exact wire."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.sandbox.rawhttp import RawResponse, post_json, raw_request


async def json2(
    sandbox: RunningSandbox,
    model: str,
    method: str,
    body: Any,
    *,
    login: str = "admin",
    headers: dict[str, str] | None = None,
) -> RawResponse:
    """POST /json/2/<model>/<method> with ``login``'s API key as bearer."""
    auth = {"Authorization": f"bearer {sandbox.api_keys[login]}"}
    return await post_json(
        sandbox.url, f"/json/2/{model}/{method}", body, {**auth, **(headers or {})}
    )


async def jsonrpc(
    sandbox: RunningSandbox, service: str, method: str, args: list[Any], *, request_id: Any = 1
) -> RawResponse:
    """POST /jsonrpc with Odoo's envelope."""
    envelope = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": request_id,
        "params": {"service": service, "method": method, "args": args},
    }
    return await post_json(sandbox.url, "/jsonrpc", envelope)


async def execute_kw(
    sandbox: RunningSandbox,
    model: str,
    method: str,
    args: list[Any],
    kwargs: dict[str, Any] | None = None,
    *,
    uid: int = 2,
    password: str = "admin",
    request_id: Any = 1,
) -> RawResponse:
    """object.execute_kw over /jsonrpc."""
    call_args: list[Any] = [sandbox.database, uid, password, model, method, args]
    if kwargs is not None:
        call_args.append(kwargs)
    return await jsonrpc(sandbox, "object", "execute_kw", call_args, request_id=request_id)


async def xmlrpc_call(
    sandbox: RunningSandbox, service: str, method: str, params: tuple[Any, ...]
) -> RawResponse:
    """POST /xmlrpc/2/<service> with a methodCall marshalled by the standard library."""
    body = xmlrpc.client.dumps(params, method, allow_none=False).encode()
    return await raw_request(
        sandbox.url, "POST", f"/xmlrpc/2/{service}", body=body, headers={"Content-Type": "text/xml"}
    )


def xml_result(response: RawResponse) -> Any:
    """The decoded methodResponse value; raises xmlrpc.client.Fault for a fault."""
    (value,), _ = xmlrpc.client.loads(response.body)
    return value


def xml_fault(response: RawResponse) -> xmlrpc.client.Fault:
    """The fault a methodResponse carries (fails the test if it is a success)."""
    try:
        xmlrpc.client.loads(response.body)
    except xmlrpc.client.Fault as fault:
        return fault
    raise AssertionError(f"expected a fault, got {response.body[:200]!r}")
