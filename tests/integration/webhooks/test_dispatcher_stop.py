"""A dispatcher always stops, however a wake-up and the stop fall together."""

from __future__ import annotations

import asyncio

from healthbridge.webhooks import open_webhooks
from tests.integration.webhooks.conftest import fast_settings


async def test_stop_right_after_a_wake_up_ends_the_claim_loop(engine):
    # The race that hung it: a wake-up finishes the loop's wait in the same turn of the
    # event loop as the stop's cancellation, and the cancellation was lost.
    for attempt in range(30):
        async with asyncio.timeout(5):
            async with open_webhooks(fast_settings(poll_interval_seconds=30), engine) as area:
                dispatcher = area.dispatcher
                assert dispatcher is not None
                await asyncio.sleep(0.01)  # the claim loop is waiting for a wake-up
                dispatcher.wake()
                for _ in range(attempt % 3):
                    await asyncio.sleep(0)
            # Leaving the block stopped it; the timeout fails the test if it never returns.
