"""``healthbridge worker``: webhook delivery in a process of its own, as many as needed."""

from __future__ import annotations

import asyncio
import signal

from healthbridge.cli.output import console, fail, run
from healthbridge.core import ConfigError, load_settings
from healthbridge.worker import open_delivery_worker


def worker() -> None:
    """Deliver webhooks until Ctrl-C or SIGTERM: events become deliveries, then signed POSTs.

    The hub's process can leave this work to worker processes, which then use the other
    cores: `healthbridge serve --delivery-workers N` starts and keeps them itself; to run
    them apart, start `healthbridge serve` with HEALTHBRIDGE_WEBHOOKS__FANOUT_ENABLED=false and
    HEALTHBRIDGE_WEBHOOKS__DISPATCHER_ENABLED=false, and one or more workers on the same
    store and NATS (the same data folder finds the hub's embedded NATS server; otherwise
    set events.url). Workers share the `webhooks` subscription and never send one
    delivery twice under different ids. They do not need Odoo. On SIGTERM a worker lets
    the POSTs in flight finish and records their outcomes before it exits.

    Examples:

        HEALTHBRIDGE_WEBHOOKS__FANOUT_ENABLED=false \\
        HEALTHBRIDGE_WEBHOOKS__DISPATCHER_ENABLED=false healthbridge serve &
        healthbridge worker

        HEALTHBRIDGE_STORE__URL=postgresql+asyncpg://hub@db/hub \\
        HEALTHBRIDGE_EVENTS__URL=nats://nats-1:4222,nats://nats-2:4222 healthbridge worker
    """
    try:
        settings = load_settings()
    except ConfigError as exc:
        fail(exc.safe_message, code=exc.code)

    async def deliver() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        async with open_delivery_worker(settings) as running:
            dispatcher = running.webhooks.dispatcher
            console.print(
                f"webhook worker {dispatcher.worker_id if dispatcher else ''} delivering; "
                "Ctrl-C stops it"
            )
            await stopping.wait()
        console.print("webhook worker stopped")

    run(deliver())
