"""``healthbridge mllp``: the HL7 v2 listener, applying ADT, DFT and MFN messages to Odoo."""

from __future__ import annotations

from typing import Annotated

import typer

from healthbridge.bootstrap import mllp_listener, open_hub
from healthbridge.cli.embedded import embedded_odoo
from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, Settings, load_settings
from healthbridge.observability import open_tracing


def mllp(
    port: Annotated[int | None, typer.Option(help="MLLP port (default mllp.port).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (default mllp.host).")] = None,
) -> None:
    """Listen for HL7 v2 over MLLP until Ctrl-C; every message is kept and acknowledged.

    ADT A01/A04/A08/A28/A31 upsert the patient, A40 merges, DFT^P03 adds charge lines to
    a draft invoice and MFN^M02 updates staff; other messages get AR. Without odoo.url
    an embedded Odoo sandbox is started. See `healthbridge messages` for what arrived.

    Examples:

        healthbridge mllp --port 2575

        HEALTHBRIDGE_ODOO__URL=https://erp.example.org HEALTHBRIDGE_ODOO__API_KEY=... \\
        healthbridge mllp --host 0.0.0.0
    """
    try:
        settings = load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)
    run(_serve(settings, port, host))


async def _serve(configured: Settings, port: int | None, host: str | None) -> None:
    # Raw messages are sealed at rest with the hub's key (``bootstrap.message_cipher``).
    async with (
        embedded_odoo(configured) as (settings, sandbox),
        open_tracing(settings.observability),
        open_hub(settings) as hub,
        mllp_listener(settings, hub.inbound.handle, host=host, port=port) as listener,
    ):
        where = f"embedded sandbox {sandbox.url}" if sandbox else settings.odoo.url
        bound_host, bound_port = listener.address
        console.print(
            f"MLLP listening on [bold]{bound_host}:{bound_port}[/]; Odoo: {where}; Ctrl-C stops it"
        )
        await listener.serve_forever()
