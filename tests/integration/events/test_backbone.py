"""The event backbone against a real JetStream server: embedded, and the shared one."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import nats.js.errors
import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_binary
from cloudevents.core.formats.json import JSONFormat

from healthbridge.core.errors import HealthbridgeError
from healthbridge.events import ACK, DeadLetter, EventBus, Nak, Outgoing, ReceivedEvent, Term
from tests.integration.events.helpers import (
    HL7,
    SECRET_MRN,
    STOCK,
    Collector,
    eventually,
    hl7_event,
    stock_event,
)

READ_ALL = ["events:read"]


class BrokenError(HealthbridgeError):
    code = "test.broken"


async def always_fail(_: ReceivedEvent) -> DeadLetter:
    raise BrokenError("the downstream system refused the event")


class TestEventBackbone:
    async def test_a_published_event_reaches_its_subscriber_as_a_valid_cloudevent(
        self, event_bus: EventBus
    ):
        collector = Collector()
        await event_bus.subscribe("stock-watch", [STOCK], READ_ALL, collector)
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

        published = await event_bus.publish(
            stock_event(), source_key="stock.quant:7:2026-11-24T09:30:00Z", traceparent=traceparent
        )
        [received] = await collector.wait_for(1)

        structured = received.cloudevent
        parsed = JSONFormat().read(None, json.dumps(structured).encode())
        assert parsed.get_type() == STOCK
        assert parsed.get_id() == published.event_id
        assert parsed.get_subject() == "stock.quant/7"
        assert structured["traceparent"] == traceparent
        assert structured["datacontenttype"] == "application/json"
        assert set(structured) == {
            "specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "data", "traceparent",
        }  # fmt: skip
        assert received.event == stock_event()

        raw = await event_bus.js.get_msg(published.stream, published.seq)
        binary = from_binary(
            HTTPMessage(headers=raw.headers or {}, body=raw.data or b""), JSONFormat()
        )
        assert binary.get_id() == published.event_id
        assert binary.get_type() == STOCK
        assert binary.get_data()["quantity"]["value"] == "12"
        assert raw.headers["Nats-Msg-Id"] == published.event_id
        assert raw.headers["traceparent"] == traceparent

    async def test_one_source_change_published_twice_is_stored_once(self, event_bus: EventBus):
        key = "stock.quant:7:2026-11-24T09:30:00Z"

        first = await event_bus.publish(stock_event(), source_key=key)
        again = await event_bus.publish_all(
            [Outgoing(stock_event(), key), Outgoing(stock_event(), key)]
        )

        assert not first.duplicate
        assert [p.duplicate for p in again] == [True, True]
        assert {p.event_id for p in again} == {first.event_id}
        info = await event_bus.js.stream_info(first.stream)
        assert info.state.messages == 1

    async def test_a_handler_that_keeps_failing_ends_in_the_dead_letter_store(
        self, event_bus: EventBus
    ):
        failing = Collector(always_fail)
        await event_bus.subscribe("fragile", [STOCK], READ_ALL, failing)

        published = await event_bus.publish(stock_event(), source_key="q:1")
        await failing.wait_for(3)

        async def dead() -> bool:
            return await event_bus.dead_letters.count() == 1

        await eventually(dead)
        [letter] = await event_bus.dead_letters.latest()
        assert letter.subscription == "fragile"
        assert letter.attempts == 3
        assert letter.stream_seq == published.seq
        assert letter.event_id == published.event_id
        assert [e["attempt"] for e in letter.errors] == [1, 2, 3]
        assert {e["code"] for e in letter.errors} == {"test.broken"}
        assert [r.delivery for r in failing.received] == [1, 2, 3]
        await asyncio.sleep(0.5)
        assert len(failing.received) == 3  # termed: never delivered again

    async def test_a_redriven_dead_letter_reaches_only_its_subscription_with_its_id(
        self, event_bus: EventBus
    ):
        bystander = Collector()
        await event_bus.subscribe("bystander", [STOCK], READ_ALL, bystander)
        failing = Collector(always_fail)
        worker = await event_bus.subscribe("fragile", [STOCK], READ_ALL, failing)
        published = await event_bus.publish(stock_event(), source_key="q:2")

        async def dead() -> bool:
            return await event_bus.dead_letters.count(status="dead") == 1

        await eventually(dead)
        await worker.stop()
        fixed = Collector()
        await event_bus.subscribe("fragile", [STOCK], READ_ALL, fixed)
        [letter] = await event_bus.dead_letters.latest()

        await event_bus.redrive(letter.id)

        [redriven] = await fixed.wait_for(1)
        assert redriven.id == published.event_id
        assert redriven.redriven
        assert redriven.event == stock_event()
        assert (await event_bus.dead_letters.get(letter.id)).status == "redriven"
        await asyncio.sleep(0.5)
        assert len(bystander.received) == 1  # the original only

    async def test_redrive_all_republishes_every_waiting_dead_letter(self, event_bus: EventBus):
        worker = await event_bus.subscribe("fragile", [STOCK], READ_ALL, Collector(always_fail))
        await event_bus.publish_all([Outgoing(stock_event(i), f"q:{i}") for i in (1, 2, 3)])

        async def dead() -> bool:
            return await event_bus.dead_letters.count(status="dead") == 3

        await eventually(dead, within=15)
        await worker.stop()
        fixed = Collector()
        await event_bus.subscribe("fragile", [STOCK], READ_ALL, fixed)

        assert await event_bus.redrive_all() == 3

        received = await fixed.wait_for(3)
        assert sorted(r.event.record.value for r in received) == ["1", "2", "3"]
        assert await event_bus.dead_letters.count(status="dead") == 0

    async def test_replay_from_a_sequence_delivers_those_events_again(self, event_bus: EventBus):
        collector = Collector()
        await event_bus.subscribe("replayer", [STOCK], READ_ALL, collector, start="all")
        published = await event_bus.publish_all(
            [Outgoing(stock_event(i), f"q:{i}") for i in range(1, 6)]
        )
        await collector.wait_for(5)

        await event_bus.replay("replayer", from_seq=published[2].seq)

        received = await collector.wait_for(8)
        assert [r.event.record.value for r in received[5:]] == ["3", "4", "5"]
        assert [r.id for r in received[5:]] == [p.event_id for p in published[2:]]

    async def test_replay_from_a_time_delivers_what_was_stored_since(self, event_bus: EventBus):
        collector = Collector()
        await event_bus.subscribe("replayer", [STOCK], READ_ALL, collector)
        await event_bus.publish(stock_event(1), source_key="q:1")
        await collector.wait_for(1)
        raw = await event_bus.js.get_msg(event_bus.topology.stream("inventory"), 1)
        assert raw is not None
        await asyncio.sleep(0.05)
        cut = event_bus.clock.now()
        await asyncio.sleep(0.05)
        await event_bus.publish(stock_event(2), source_key="q:2")
        await collector.wait_for(2)

        await event_bus.replay("replayer", since=cut - timedelta(milliseconds=10))

        received = await collector.wait_for(3)
        assert received[2].event.record.value == "2"

    async def test_phi_is_ciphertext_at_rest_and_opened_only_for_entitled_subscribers(
        self, event_bus: EventBus
    ):
        entitled = Collector()
        await event_bus.subscribe("ehr-feed", [HL7], ["events:hl7.read", "data:phi"], entitled)
        ops = Collector()
        await event_bus.subscribe("ops-board", [HL7], ["events:hl7.read"], ops)

        published = await event_bus.publish(hl7_event(), source_key="hl7:41")

        raw = await event_bus.js.get_msg(published.stream, published.seq)
        assert SECRET_MRN.encode() not in raw.data
        assert SECRET_MRN not in json.dumps(raw.headers)
        assert raw.headers["ce-phikeyid"] == "test-1"
        assert json.loads(raw.data)["patient_identifiers"].startswith("hbenc:v1:test-1:")
        [opened] = await entitled.wait_for(1)
        assert opened.event.patient_identifiers[0].value == SECRET_MRN
        [projected] = await ops.wait_for(1)
        assert "patient_identifiers" not in projected.cloudevent["data"]
        assert projected.event.patient_identifiers is None

    async def test_phi_stays_sealed_in_the_dead_letter_store(self, event_bus: EventBus):
        await event_bus.subscribe(
            "ehr-feed", [HL7], ["events:read", "data:phi"], Collector(always_fail)
        )
        await event_bus.publish(hl7_event(), source_key="hl7:41")

        async def dead() -> bool:
            return await event_bus.dead_letters.count() == 1

        await eventually(dead)
        [letter] = await event_bus.dead_letters.latest()
        assert SECRET_MRN.encode() not in letter.payload
        assert b"hbenc:v1:" in letter.payload

    async def test_explicit_outcomes_nak_then_ack_and_term_are_applied(self, event_bus: EventBus):
        async def nak_first(received: ReceivedEvent):
            return Nak(delay=0.05) if received.delivery == 1 else ACK

        retried = Collector(nak_first)
        await event_bus.subscribe("retrier", [STOCK], READ_ALL, retried)

        async def term(_: ReceivedEvent):
            return Term()

        termed = Collector(term)
        await event_bus.subscribe("terminator", [STOCK], READ_ALL, termed)
        await event_bus.publish(stock_event(), source_key="q:9")

        assert [r.delivery for r in await retried.wait_for(2)] == [1, 2]
        await termed.wait_for(1)
        await asyncio.sleep(0.4)
        assert len(termed.received) == 1
        assert len(retried.received) == 2
        assert await event_bus.dead_letters.count() == 0

    async def test_a_batch_handler_settles_each_event_with_its_own_outcome(
        self, event_bus: EventBus
    ):
        seen: list[str] = []

        async def handle(batch):
            seen.extend(r.event.record.value for r in batch)
            return [DeadLetter() if r.event.record.value == "2" else ACK for r in batch]

        await event_bus.subscribe_batch("batcher", [STOCK], READ_ALL, handle)
        await event_bus.publish_all([Outgoing(stock_event(i), f"q:{i}") for i in (1, 2, 3)])

        async def dead() -> bool:
            return await event_bus.dead_letters.count() == 1

        await eventually(dead)
        assert sorted(seen) == ["1", "2", "3"]
        [letter] = await event_bus.dead_letters.latest()
        assert letter.errors[-1]["code"] == "handler.dead_letter"

    async def test_re_registering_with_fewer_types_keeps_the_position_and_drops_the_rest(
        self, event_bus: EventBus
    ):
        scopes = ["events:read", "data:financial"]
        invoice = "org.healthbridge.invoice.paid.v1"
        await event_bus.register("mixed", [STOCK, invoice], scopes, start="all")
        await event_bus.publish(stock_event(), source_key="q:1")
        assert {c.stream for c in await event_bus.consumers("mixed")} == {
            event_bus.topology.stream("inventory"),
            event_bus.topology.stream("billing"),
        }

        await event_bus.register("mixed", [STOCK], scopes, start="all")

        [consumer] = await event_bus.consumers("mixed")
        assert consumer.stream == event_bus.topology.stream("inventory")
        assert consumer.pending == 1  # the unconsumed event is still waiting for it
        with pytest.raises(nats.js.errors.NotFoundError):
            await event_bus.js.consumer_info(event_bus.topology.stream("billing"), "mixed")
