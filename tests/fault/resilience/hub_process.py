"""A hub in its own process, as ``healthbridge serve`` runs it, for the SIGKILL drills.

Usage: ``python -m tests.fault.resilience.hub_process`` with the hub's settings in the
environment (``HEALTHBRIDGE_*``; ``odoo.url`` must be set). It composes the same pieces
as ``cli/demo_cmd.py`` ``_serve`` (``open_hub``, ``open_hub_app``, ``serve_http``,
``open_worker`` with the relay and the webhook fan-out, the poller) without the CLI's
embedded-Odoo and console parts; it prints ``hub listening on URL;`` when it serves.
"""

from __future__ import annotations

import asyncio
import signal

from healthbridge.bootstrap import open_hub, serve_http
from healthbridge.core.settings import load_settings
from healthbridge.gateway.hub_app import open_hub_app
from healthbridge.observability.logging import configure_logging
from healthbridge.worker import open_worker


async def main() -> None:
    settings = load_settings()
    settings = settings.model_copy(
        update={"server": settings.server.model_copy(update={"port": 0})}
    )
    assert settings.odoo.url is not None, "set HEALTHBRIDGE_ODOO__URL"
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with (
        open_hub(settings) as hub,
        open_hub_app(hub) as surface,
        serve_http(surface.app, settings.server.host, settings.server.port) as http,
        open_worker(hub, api_base_url=http.url),
    ):
        print(f"hub listening on {http.url}; Odoo: {settings.odoo.url}", flush=True)
        await hub.poller.run(stop)


if __name__ == "__main__":
    configure_logging("warning")
    asyncio.run(main())
