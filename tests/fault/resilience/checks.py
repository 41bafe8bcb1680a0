"""What every fault test checks afterwards: no change lost, each published exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from healthbridge.canonical.changes import RecordedChange
from healthbridge.canonical.events.partners import PartnerUpserted
from healthbridge.events.envelope import event_id
from healthbridge.mappings.events import source_key
from healthbridge.store import ChangeLog, create_store_engine
from tests.fault.resilience.processes import StreamMessage, stream_messages

PARTNER_EVENT = PartnerUpserted.event_type


async def change_log(store_url: str, model: str | None = None) -> list[RecordedChange]:
    """Every change the hub recorded (of ``model``), oldest first."""
    engine = create_store_engine(store_url)
    try:
        rows = await ChangeLog(engine).since(0, limit=1_000_000)
    finally:
        await engine.dispose()
    return [row for row in rows if model is None or row.model == model]


def expected_partner_event(change: RecordedChange) -> str:
    """The id (and Nats-Msg-Id) of the partner event ``change`` must become."""
    return event_id(PARTNER_EVENT, source_key(change))


@dataclass(frozen=True)
class Delivery:
    """How the partner changes of the change log map onto the stream."""

    changes: int
    messages: int
    missing: frozenset[str]
    duplicated: dict[str, int]
    missing_changes: tuple[tuple[int, int, str, str], ...] = ()

    @property
    def exactly_once(self) -> bool:
        """Every change is in the stream once, and nothing is there twice."""
        return not self.missing and not self.duplicated


async def partner_delivery(store_url: str, nats_url: str) -> Delivery:
    """Compare the partner changes in the change log with the partner events in the stream."""
    changes = await change_log(store_url, "res.partner")
    messages: list[StreamMessage] = [
        m for m in await stream_messages(nats_url) if m.type == PARTNER_EVENT
    ]
    counts = Counter(m.msg_id for m in messages)
    expected = {expected_partner_event(change): change for change in changes}
    missing = frozenset(set(expected) - set(counts))
    return Delivery(
        changes=len(changes),
        messages=len(messages),
        missing=missing,
        duplicated={key: n for key, n in counts.items() if n > 1},
        missing_changes=tuple(
            (c.id, c.record_id, c.write_date.isoformat(), "+".join(c.sources))
            for c in sorted((expected[key] for key in missing), key=lambda c: c.id)
        ),
    )


async def created_partners_captured(store_url: str, created: set[int]) -> set[int]:
    """The partners of ``created`` that are not in the change log yet."""
    return created - {change.record_id for change in await change_log(store_url, "res.partner")}
