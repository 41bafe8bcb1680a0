"""The demo's partner system: a webhook receiver that is told of every change, and fails.

It stands for a clinic network's CRM subscribed to the hub: it checks every signature
with the endpoint's secret (Standard Webhooks), and every so often it goes down for a
few seconds, so a person watching sees deliveries pile up as retries and then arrive,
each once, when it comes back.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from healthbridge.sandbox.receiver import WebhookReceiver
from healthbridge.webhooks import Webhooks

OUTAGE_EVERY = 12
"""Every this many demo steps the partner goes down ..."""
OUTAGE_STEPS = 3
"""... for this many steps."""


@dataclass
class DemoPartner:
    """A receiver registered as a thin-notification endpoint for every business event."""

    receiver: WebhookReceiver
    webhooks: Webhooks
    endpoint_id: str = ""
    down: bool = False
    outages: int = 0
    _steps: int = 0
    _started: float = field(default_factory=time.monotonic)

    @classmethod
    async def register(cls, webhooks: Webhooks) -> DemoPartner:
        """Start the receiver and register it; it verifies with the secret it was given."""
        receiver = WebhookReceiver(path="/crm/hooks")
        await receiver.start()
        endpoint = await webhooks.registry.add(
            "clinic-crm",
            receiver.url,
            ["org.healthbridge.*"],
            owner_contact="crm-team@clinic.example",
            description="Clinic network CRM (demo)",
        )
        receiver.secrets = (endpoint.secret,)
        return cls(receiver, webhooks, endpoint.id)

    async def step(self) -> str | None:
        """Advance the outage schedule; a line for the activity log when it changes."""
        self._steps += 1
        phase = self._steps % OUTAGE_EVERY
        if phase == OUTAGE_EVERY - OUTAGE_STEPS and not self.down:
            self.down = True
            self.outages += 1
            self.receiver.fail_with(503, retry_after="2")
            return "[red]the clinic CRM goes down[/] (answers 503): the hub keeps retrying"
        if phase == 0 and self.down:
            self.down = False
            self.receiver.recover()
            return "[green]the clinic CRM is back[/]: retried notifications arrive, each once"
        return None

    async def stop(self) -> None:
        """Stop the receiver."""
        await self.receiver.stop()

    async def summary(self) -> str:
        """Counts and the latest notifications, as lines for a panel."""
        counts = await self.webhooks.log.counts(self.endpoint_id)
        waiting = counts.get("pending", 0) + counts.get("delivering", 0)
        state = "[red]DOWN (503)[/]" if self.down else "[green]up[/]"
        lines = [
            f"{self.receiver.url}  status {state}  outages {self.outages}",
            f"received [bold]{len(self.receiver.ids())}[/] signed notifications (signatures "
            f"verified, {self.receiver.rejected} rejected); waiting to retry: "
            f"[yellow]{waiting}[/]; given up: {counts.get('failed', 0)}",
        ]
        for item in self.receiver.received[-4:][::-1]:
            payload = json.loads(item.body)
            data = payload.get("data", {})
            lines.append(
                f"[dim]{item.webhook_id[:12]}[/] {payload.get('type', '?')}  "
                f"{data.get('subject', '')}  [cyan]{data.get('link', '')}[/]"
            )
        return "\n".join(lines)
