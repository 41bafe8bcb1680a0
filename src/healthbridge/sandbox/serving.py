"""What every sandbox process does the same way: listen on loopback, announce, wait for a signal.

Tests and the demo start a sandbox as a subprocess and read its first stdout line (a JSON
description with its URL and control token) to find it; they stop it with SIGTERM. Keeping
that contract in one place keeps the sandboxes interchangeable for those callers.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web


async def listen(app: web.Application, host: str, port: int) -> tuple[str, web.AppRunner]:
    """Serve ``app`` on ``host:port`` (0 picks a free port): its base URL and runner."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    return f"http://{bound_host}:{bound_port}", runner


async def serve_until_signalled(
    description: Mapping[str, Any], stop: Callable[[], Awaitable[None]]
) -> None:
    """Print ``description`` as the first stdout line, then run until SIGTERM or SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    sys.stdout.write(json.dumps(dict(description)) + "\n")
    sys.stdout.flush()
    try:
        await stopping.wait()
    finally:
        await stop()
