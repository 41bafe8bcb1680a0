"""One gateway process for the multi-process tests: serves the stand-in app on a free port.

Usage: python -m tests.integration.gateway.gateway_process STORE_URL DATA_DIR GATEWAY_JSON
Prints the base URL on stdout once listening, serves until stdin closes, then stops
cleanly (the audit queue is drained).
"""

from __future__ import annotations

import asyncio
import json
import sys

from healthbridge.bootstrap import serve_http
from healthbridge.core.settings import Settings
from healthbridge.gateway.app import create_app
from healthbridge.gateway.runtime import open_gateway
from healthbridge.services.change_capture import ChangeIntake
from healthbridge.store.engine import create_store_engine
from healthbridge.testing import MemoryChangeLog
from tests.integration.gateway.stand_ins import stand_in_routers


async def main(store_url: str, data_dir: str, gateway: dict[str, object]) -> None:
    settings = Settings(
        environment="dev", data_dir=data_dir, store={"url": store_url}, gateway=gateway
    )
    engine = create_store_engine(store_url)
    try:
        async with open_gateway(settings, engine) as runtime:
            capture = ChangeIntake(MemoryChangeLog(), queue_size=10)
            app = create_app(capture, settings, runtime, routers=stand_in_routers())
            async with serve_http(app, "127.0.0.1", 0) as server:
                print(server.url, flush=True)
                await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
