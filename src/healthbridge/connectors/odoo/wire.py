"""What the client needs from a protocol, and the argument shape the two RPC APIs share.

One calling convention for all three protocols: a model, a method, optional record ids
and named parameters. JSON-2 sends exactly that; JSON-RPC and XML-RPC turn it into
``execute_kw``'s positional ``args`` (the ids) and ``kwargs`` (the parameters plus
``context``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from healthbridge.connectors.odoo.errors import ProtocolName


class OdooWire(Protocol):
    """One Odoo external API, spoken over the shared HTTP transport."""

    @property
    def name(self) -> ProtocolName:
        """Which API this is."""
        ...

    async def authenticate(self) -> int:
        """Check the credentials and return the user's id; later calls run as that user."""
        ...

    async def execute(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None,
        params: Mapping[str, Any],
        context: Mapping[str, Any] | None,
        *,
        timeout_seconds: float | None = None,
    ) -> Any:
        """Call ``model.method`` and return Odoo's decoded result; raise an ``OdooError``."""
        ...


def execute_kw_arguments(
    method: str,
    ids: Sequence[int] | None,
    params: Mapping[str, Any],
    context: Mapping[str, Any] | None,
) -> tuple[list[Any], dict[str, Any]]:
    """``execute_kw``'s ``(args, kwargs)`` for the uniform calling convention.

    ``create`` gets its ``vals_list`` positionally: Odoo 17's ``call_kw`` reads
    ``args[0]`` to decide whether to return one id or a list, and fails without it.
    """
    kwargs = dict(params)
    if context is not None:
        kwargs["context"] = dict(context)
    if ids is not None:
        return [list(ids)], kwargs
    if method == "create" and "vals_list" in kwargs:
        return [kwargs.pop("vals_list")], kwargs
    return [], kwargs
