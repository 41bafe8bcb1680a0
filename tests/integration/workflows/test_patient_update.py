"""Patient administration update against the Odoo sandbox, notifying through a real JetStream."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from healthbridge.canonical.events import PartnerUpserted
from healthbridge.canonical.patient import Patient
from healthbridge.events.bus import EventBus
from healthbridge.events.delivery import ReceivedEvent
from healthbridge.events.outcomes import ACK, Outcome
from healthbridge.mappings.odoo.systems import identifier_type
from healthbridge.workflows.patient_update import (
    PatientUpdate,
    PatientWithoutMrnError,
    start_patient_update,
)
from tests.integration.workflows.conftest import StackFactory

WAIT = 20.0
WHEN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def patient(mrn: str | None = "MRN-WF-1", phone: str = "+32 2 555 01 01") -> Patient:
    identifiers = (
        [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": mrn, "type": identifier_type("MR")}]
        if mrn
        else []
    )
    return Patient.model_validate(
        {
            "identifiers": identifiers,
            "names": [{"family": "Peeters", "given": ["Anna"]}],
            "telecom": [{"system": "phone", "value": phone}],
            "addresses": [{"lines": ["Rue Haute 12"], "city": "Bruxelles", "postal_code": "1000"}],
            "gender": "female",
            "birth_date": "1980-01-01",
            "active": True,
        }
    )


def update(message_id: str, **kwargs: Any) -> PatientUpdate:
    return PatientUpdate.of(patient(**kwargs), message_id=message_id, occurred_at=WHEN)


class Watcher:
    """A subscriber collecting PartnerUpserted events."""

    def __init__(self) -> None:
        self.received: list[ReceivedEvent] = []

    async def __call__(self, event: ReceivedEvent) -> Outcome:
        self.received.append(event)
        return ACK

    async def wait_for(self, count: int) -> list[ReceivedEvent]:
        deadline = time.monotonic() + WAIT
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"only {len(self.received)} events arrived"
            await asyncio.sleep(0.05)
        return self.received


async def _partners(stack: Any, mrn: str) -> list[dict[str, Any]]:
    return await stack.odoo.search_read(
        "res.partner", [("ref", "=", mrn)], ["name", "phone", "city", "category_id"]
    )


async def test_an_adt_update_creates_the_billing_partner_and_notifies_subscribers(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    watcher = Watcher()
    await workflow_bus.subscribe(
        "partner-watch", [PartnerUpserted.event_type], ["events:partners.read"], watcher
    )
    async with stack_factory(events=workflow_bus) as stack:
        outcome = await asyncio.wait_for(
            (await start_patient_update(update("msg-1"))).get_result(), WAIT
        )

        assert outcome.state == "completed"
        assert outcome.created
        (partner,) = await _partners(stack, "MRN-WF-1")
        assert partner["id"] == outcome.partner_id
        assert (partner["name"], partner["phone"], partner["city"]) == (
            "Anna Peeters",
            "+32 2 555 01 01",
            "Bruxelles",
        )
        (tag,) = await stack.odoo.search_read(
            "res.partner.category", [("name", "=", "Patient")], ["id"]
        )
        assert tag["id"] in partner["category_id"]

        (received,) = await watcher.wait_for(1)
        event = received.event
        assert isinstance(event, PartnerUpserted)
        assert received.id == outcome.event_id
        assert event.record.value == str(outcome.partner_id)
        assert event.kind == "person"
        assert "phone" in event.changed_fields
        assert event.identifiers == ()
        assert "Peeters" not in str(received.cloudevent)


async def test_the_same_message_twice_runs_once_and_a_later_change_updates_one_partner(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    watcher = Watcher()
    await workflow_bus.subscribe(
        "partner-watch", [PartnerUpserted.event_type], ["events:partners.read"], watcher
    )
    async with stack_factory(events=workflow_bus) as stack:
        first = await start_patient_update(update("msg-2", mrn="MRN-WF-2"))
        again = await start_patient_update(update("msg-2", mrn="MRN-WF-2"))
        assert first.workflow_id == again.workflow_id == "patient-update-msg-2"
        created = await asyncio.wait_for(again.get_result(), WAIT)

        changed = await asyncio.wait_for(
            (
                await start_patient_update(update("msg-3", mrn="MRN-WF-2", phone="+32 2 555 09 09"))
            ).get_result(),
            WAIT,
        )
        unchanged = await asyncio.wait_for(
            (
                await start_patient_update(update("msg-4", mrn="MRN-WF-2", phone="+32 2 555 09 09"))
            ).get_result(),
            WAIT,
        )

        (partner,) = await _partners(stack, "MRN-WF-2")
        assert created.partner_id == changed.partner_id == unchanged.partner_id == partner["id"]
        assert (created.created, changed.created) == (True, False)
        assert changed.changed_fields == ("phone",)
        assert unchanged.changed_fields == ()
        assert partner["phone"] == "+32 2 555 09 09"
        events = await watcher.wait_for(3)
        assert [r.event.changed_fields for r in events][1:] == [("phone",), ()]  # type: ignore[attr-defined]


async def test_an_update_without_an_mrn_is_refused_before_a_run_starts(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory():
        with pytest.raises(PatientWithoutMrnError):
            await start_patient_update(update("msg-5", mrn=None))


async def test_two_partners_holding_one_mrn_end_the_run_failed_with_nothing_written(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    async with stack_factory(events=workflow_bus) as stack:
        await stack.odoo.create(
            "res.partner",
            [{"name": "Twin A", "ref": "MRN-DUP"}, {"name": "Twin B", "ref": "MRN-DUP"}],
        )
        outcome = await asyncio.wait_for(
            (await start_patient_update(update("msg-6", mrn="MRN-DUP"))).get_result(), WAIT
        )
        assert (outcome.state, outcome.reason) == ("failed", "patient_update.duplicate_partner")
        assert sorted(p["name"] for p in await _partners(stack, "MRN-DUP")) == ["Twin A", "Twin B"]


async def test_a_run_without_an_event_bus_updates_odoo_and_ends_not_notified(
    stack_factory: StackFactory,
) -> None:
    async with stack_factory() as stack:
        outcome = await asyncio.wait_for(
            (await start_patient_update(update("msg-7", mrn="MRN-WF-7"))).get_result(), WAIT
        )
        assert (outcome.state, outcome.reason) == ("not_notified", "workflows.runtime")
        assert len(await _partners(stack, "MRN-WF-7")) == 1
