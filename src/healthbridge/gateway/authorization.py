"""Route-level authorization: the scopes a route needs, checked against the caller.

The authentication middleware verifies the token and leaves a ``Principal`` on
``request.state.principal``; routes declare what they need with
``Depends(require_scopes("inventory.read"))`` and receive that principal.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from healthbridge.core.errors import HealthbridgeError
from healthbridge.security.principal import Principal


class AuthenticationRequired(HealthbridgeError):  # noqa: N818 - reads as the HTTP condition
    """No valid access token came with the request (HTTP 401)."""

    code = "auth.unauthenticated"


class InsufficientScope(HealthbridgeError):  # noqa: N818 - named for RFC 6750's error code
    """The token is valid but lacks a scope the route needs (HTTP 403)."""

    code = "auth.insufficient_scope"


def current_principal(request: Request) -> Principal:
    """The verified caller of ``request``; AuthenticationRequired when there is none."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise AuthenticationRequired("an access token is required: send Authorization: Bearer")
    return principal


def scope_granted(granted: frozenset[str], required: str) -> bool:
    """Whether ``granted`` covers ``required``: an exact match for capability scopes.

    SMART scopes (``system/Patient.rs``) are covered by any granted scope of the same
    context and resource (or ``*``) whose permission letters include the required ones.
    """
    if required in granted:
        return True
    if "/" not in required or "." not in required:
        return False
    context, _, rest = required.partition("/")
    resource, _, needed = rest.rpartition(".")
    for scope in granted:
        g_context, sep, g_rest = scope.partition("/")
        if not sep or g_context != context:
            continue
        g_resource, _, letters = g_rest.rpartition(".")
        if g_resource in (resource, "*") and set(needed) <= set(_expand(letters)):
            return True
    return False


def _expand(letters: str) -> str:
    """SMART v1 ``read``/``write``/``*`` in terms of v2 letters."""
    return {"read": "rs", "write": "cud", "*": "cruds"}.get(letters, letters)


def require_scopes(*required: str) -> Callable[[Request], Awaitable[Principal]]:
    """A FastAPI dependency: the caller must hold every scope in ``required``.

    It is a coroutine function on purpose: FastAPI runs a plain ``def`` dependency in a
    worker thread, a thread hop on every request for what is a set lookup.
    """

    async def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        missing = [scope for scope in required if not scope_granted(principal.scopes, scope)]
        if missing:
            raise InsufficientScope(
                f"this route needs the scope(s) {', '.join(missing)}: ask for them when "
                "requesting the token, or have the client registered with them",
                details={"required": list(required), "missing": missing},
            )
        return principal

    return dependency
