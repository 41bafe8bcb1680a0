"""A webhook delivery worker in its own process, for the SIGKILL fault test.

Usage: worker_process.py STORE_URL WORKER_ID [--until-done]
Prints ``started`` once running; with --until-done exits 0 when nothing is left to
deliver, printing ``done <json counts>``; otherwise runs until killed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import structlog

from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.store import create_store_engine
from healthbridge.webhooks import open_webhooks

SETTINGS = WebhooksSettings(
    retry_schedule_seconds=(0.05, 0.1, 0.2, 0.4, 0.8),
    poll_interval_seconds=0.05,
    flush_interval_seconds=0.01,
    request_timeout_seconds=1.0,
    lease_seconds=2.0,
    max_in_flight=128,
    max_in_flight_per_endpoint=64,
)


async def main(url: str, worker_id: str, until_done: bool) -> None:
    engine = create_store_engine(url)
    try:
        async with open_webhooks(SETTINGS, engine, worker_id=worker_id) as area:
            print("started", flush=True)
            while True:
                await asyncio.sleep(0.1)
                counts = await area.log.counts()
                if until_done and counts["pending"] == 0 and counts["delivering"] == 0:
                    break
        print("done " + json.dumps(dict(counts)), flush=True)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    # Only the markers on stdout: the test reads it line by line.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    asyncio.run(main(sys.argv[1], sys.argv[2], "--until-done" in sys.argv[3:]))
