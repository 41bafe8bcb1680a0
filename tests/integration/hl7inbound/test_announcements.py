"""An accepted HL7 v2 message is announced on the event backbone before its AA is sent.

Real sandbox over HTTP, real store, real JetStream (embedded, then the shared server).
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.events import Hl7MessageAccepted, PartnerMerged
from healthbridge.events import EventBus, PublishError
from healthbridge.services.event_ports import OutgoingEvent
from healthbridge.services.hl7_inbound import Hl7Inbound
from tests.integration.events.helpers import HL7, Collector

MERGED = "org.healthbridge.partner.merged.v1"


def msa(ack: bytes) -> str:
    [segment] = [s for s in ack.split(b"\r") if s.startswith(b"MSA")]
    return segment.split(b"|")[1].decode()


class Unreachable:
    """A publisher whose JetStream never acknowledges (NATS down)."""

    def __init__(self) -> None:
        self.attempts = 0

    async def publish_all(self, items: Any) -> list[object]:
        del items
        self.attempts += 1
        raise PublishError("no JetStream acknowledgement")


class Recording:
    """Forwards to the real bus and keeps what it was asked to publish."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.items: list[OutgoingEvent] = []

    async def publish_all(self, items: Any) -> Any:
        self.items.extend(items)
        return await self.bus.publish_all(items)


class TestAnnouncements:
    async def test_an_admission_is_announced_once_with_the_patient_sealed_in_the_stream(
        self, wired, hl7_file, event_bus: EventBus
    ):
        entitled, public = Collector(), Collector()
        await event_bus.subscribe("ehr-feed", [HL7], ["events:hl7.read", "data:phi"], entitled)
        await event_bus.subscribe("ops-feed", [HL7], ["events:hl7.read"], public)
        inbound = Hl7Inbound(wired.odoo, wired.messages, events=event_bus)
        raw = hl7_file("adt_a01_01.hl7")

        assert msa(await inbound.handle(raw)) == "AA"
        assert msa(await inbound.handle(raw)) == "AA"  # a resend: original ACK, no new event

        [opened] = await entitled.wait_for(1)
        [withheld] = await public.wait_for(1)
        event = opened.event
        assert isinstance(event, Hl7MessageAccepted)
        assert (event.message_type, event.trigger_event) == ("ADT", "A01")
        [stored] = await wired.messages.latest()
        assert event.record.value == str(stored.id)
        assert event.patient_identifiers
        assert "patient_identifiers" not in withheld.cloudevent["data"]
        mrn = event.patient_identifiers[0].value
        assert mrn
        message = await event_bus.js.get_msg(opened.stream, opened.stream_seq)
        assert mrn.encode() not in (message.data or b"")
        info = await event_bus.js.stream_info(opened.stream)
        assert info.state.messages == 1

    async def test_a_merge_is_announced_as_partner_merged_naming_odoo_records_only(
        self, wired, hl7_file, event_bus: EventBus
    ):
        merges = Collector()
        await event_bus.subscribe("mdm", [MERGED], ["events:read"], merges)
        inbound = Hl7Inbound(wired.odoo, wired.messages, events=event_bus)
        prior = hl7_file("adt_a04_02.hl7").replace(b"MRN12345", b"56789")
        assert msa(await inbound.handle(prior)) == "AA"
        [prior_partner] = wired.orm("res.partner", "search_read", [("ref", "=", "56789")])

        assert msa(await inbound.handle(hl7_file("adt_a40_01.hl7"))) == "AA"

        [received] = await merges.wait_for(1)
        event = received.event
        assert isinstance(event, PartnerMerged)
        [survivor] = wired.orm("res.partner", "search_read", [("ref", "=", "12345")])
        assert event.record.value == str(survivor["id"])
        assert [m.value for m in event.merged] == [str(prior_partner["id"])]
        assert all(m.system == "urn:healthbridge:odoo:res.partner" for m in event.merged)

    async def test_an_unacknowledged_announcement_answers_ae_and_a_reprocess_announces_it(
        self, wired, hl7_file, event_bus: EventBus
    ):
        down = Unreachable()
        raw = hl7_file("adt_a04_02.hl7")
        ack = await Hl7Inbound(wired.odoo, wired.messages, events=down).handle(raw)

        assert msa(ack) == "AE"
        assert b"reprocess" in ack
        [stored] = await wired.messages.latest()
        assert stored.status == "error"
        assert down.attempts == 1

        recording = Recording(event_bus)
        inbound = Hl7Inbound(wired.odoo, wired.messages, events=recording)
        assert msa(await inbound.reprocess(stored.id)) == "AA"
        [announced] = [i.event for i in recording.items]
        assert isinstance(announced, Hl7MessageAccepted)
        assert announced.record.value == str(stored.id)
        assert len(wired.orm("res.partner", "search_read", [("ref", "=", "MRN12345")])) == 1
