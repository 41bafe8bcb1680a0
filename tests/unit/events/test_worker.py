"""The worker's settlement rules, with fake messages: every outcome explicit, nothing lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.events import StockLevelChanged
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.references import Reference
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.sections.events import EventsSettings
from healthbridge.events import ACK, DeadLetter, Nak, Term, Topology
from healthbridge.events.publisher import EventPublisher
from healthbridge.events.sealing import PhiSealer
from healthbridge.events.subscription import Subscription
from healthbridge.events.worker import SubscriptionWorker, failure_of
from healthbridge.security.field_encryption import FieldCipher

STOCK = StockLevelChanged.event_type
TOPOLOGY = Topology("hb", "HB")
SEALER = PhiSealer(FieldCipher({"k": b"k" * 32}, active_key_id="k"))
SETTINGS = EventsSettings(nak_initial_backoff_seconds=1, nak_max_backoff_seconds=5)


@dataclass
class FakeMessage:
    headers: dict[str, str] | None
    data: bytes
    subject: str
    delivery: int = 1
    seq: int = 7
    settled: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def metadata(self) -> Any:
        return SimpleNamespace(
            sequence=SimpleNamespace(stream=self.seq), num_delivered=self.delivery
        )

    async def ack(self) -> None:
        self.settled.append(("ack", None))

    async def nak(self, delay: float | None = None) -> None:
        self.settled.append(("nak", delay))

    async def term(self) -> None:
        self.settled.append(("term", None))


class FakeDeadLetters:
    def __init__(self) -> None:
        self.failures: list[dict[str, Any]] = []
        self.letters: list[dict[str, Any]] = []
        self.cleared = 0

    async def record_failure(self, **values: Any) -> None:
        self.failures.append(values)

    async def clear_failures(self, *_: Any) -> None:
        self.cleared += 1

    async def add(self, **values: Any) -> int:
        self.letters.append(values)
        return len(self.letters)


def message(delivery: int = 1, *, subject: str | None = None) -> FakeMessage:
    event = StockLevelChanged(
        record=Identifier.odoo("stock.quant", 1),
        occurred_at=datetime(2026, 11, 24, tzinfo=UTC),
        product=Reference(identifier=Identifier.odoo("product.product", 3)),
        location=Reference(identifier=Identifier.odoo("stock.location", 8)),
        quantity=Quantity(value=1),
    )
    envelope = EventPublisher(None, TOPOLOGY, SEALER).envelope(event, source_key="q:1")  # type: ignore[arg-type]
    return FakeMessage(
        envelope.headers(), envelope.body(), subject or TOPOLOGY.subject(STOCK), delivery
    )


def worker(handler=None, batch_handler=None) -> tuple[SubscriptionWorker, FakeDeadLetters]:
    letters = FakeDeadLetters()
    subscription = Subscription.checked("sub", [STOCK], ["events:read"], max_deliveries=3)
    return (
        SubscriptionWorker(
            None,  # type: ignore[arg-type]
            TOPOLOGY,
            subscription,
            handler=handler,
            batch_handler=batch_handler,
            sealer=SEALER,
            dead_letters=letters,  # type: ignore[arg-type]
            settings=SETTINGS,
        ),
        letters,
    )


class RefusedError(HealthbridgeError):
    code = "test.refused"


async def raise_refused(_):
    raise RefusedError("refused by the peer")


async def raise_key_error(_):
    raise KeyError("MRN-123")  # its text must not be stored: it may be PHI


async def test_an_exception_is_a_failed_delivery_naked_with_doubling_backoff():
    subject, letters = worker(raise_refused)
    first, second = message(1), message(2)

    await subject.process([first, second], "HB_INVENTORY")

    assert first.settled == [("nak", 1.0)]
    assert second.settled == [("nak", 2.0)]
    assert [f["code"] for f in letters.failures] == ["test.refused", "test.refused"]


async def test_the_last_delivery_failing_dead_letters_and_terms():
    subject, letters = worker(raise_refused)
    last = message(3)

    await subject.process([last], "HB_INVENTORY")

    assert last.settled == [("term", None)]
    [letter] = letters.letters
    assert letter["attempts"] == 3
    assert letter["last_error"].code == "test.refused"
    assert letter["payload"] == last.data


async def test_the_text_of_a_foreign_exception_is_never_kept():
    subject, letters = worker(raise_key_error)

    await subject.process([message(1)], "HB_INVENTORY")

    assert letters.failures[0]["message"] == "the handler raised KeyError"
    assert "MRN" not in repr(letters.failures)
    assert failure_of(KeyError("MRN-1")) == ("handler.exception", "the handler raised KeyError")


@pytest.mark.parametrize(
    ("outcome", "settled"),
    [(ACK, "ack"), (Term(), "term"), (DeadLetter(), "term"), (Nak(delay=0.5), "nak")],
)
async def test_each_explicit_outcome_is_applied(outcome, settled):
    async def handle(_):
        return outcome

    subject, letters = worker(handle)
    delivered = message(1)

    await subject.process([delivered], "HB_INVENTORY")

    assert delivered.settled[0][0] == settled
    assert len(letters.letters) == (1 if isinstance(outcome, DeadLetter) else 0)


async def test_a_delivery_past_the_limit_is_dead_lettered_without_running_the_handler():
    calls = []

    async def handle(received):
        calls.append(received)
        return ACK

    subject, letters = worker(handle)

    await subject.process([message(4)], "HB_INVENTORY")

    assert calls == []
    assert letters.letters[0]["last_error"].code == "events.deliveries_exhausted"


async def test_a_message_that_is_not_an_event_is_dead_lettered_at_once():
    subject, letters = worker(raise_refused)
    junk = FakeMessage({"x": "y"}, b"not json", "hb.inventory.stock.level-changed.v1")

    await subject.process([junk], "HB_INVENTORY")

    assert junk.settled == [("term", None)]
    assert letters.letters[0]["last_error"].code == "events.malformed"


async def test_a_message_for_another_subscription_is_acked_and_skipped():
    subject, letters = worker(raise_refused)
    other = message(1, subject="hb.inventory.redrive.other.stock.level-changed.v1")

    await subject.process([other], "HB_INVENTORY")

    assert other.settled == [("ack", None)]
    assert letters.failures == []


async def test_a_batch_handler_returning_the_wrong_count_fails_the_whole_batch():
    async def handle(batch):
        return [ACK]

    subject, letters = worker(batch_handler=handle)
    batch = [message(1), message(1)]

    await subject.process(batch, "HB_INVENTORY")

    assert [m.settled[0][0] for m in batch] == ["nak", "nak"]
    assert {f["code"] for f in letters.failures} == {"handler.bad_outcomes"}


async def test_a_worker_needs_exactly_one_handler():
    with pytest.raises(ValueError, match="exactly one"):
        worker()
