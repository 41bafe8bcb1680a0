"""A workflow run's steps are spans in the trace its input names, and so is what they publish."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from healthbridge.canonical.events import PartnerUpserted
from healthbridge.events.bus import EventBus
from healthbridge.observability import configure_tracing, shutdown_tracing
from healthbridge.workflows.patient_update import PatientUpdate, start_patient_update
from tests.integration.workflows.conftest import StackFactory
from tests.integration.workflows.test_patient_update import WAIT, WHEN, Watcher, patient

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
STEPS = ["read_billing_partner", "upsert_billing_partner", "notify_partner_upserted"]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    configure_tracing("workflows-test", exporter=exporter, install_global=False)
    try:
        yield exporter
    finally:
        shutdown_tracing()


def traced_update(message_id: str, mrn: str) -> PatientUpdate:
    return PatientUpdate.of(
        patient(mrn=mrn), message_id=message_id, occurred_at=WHEN, trace_id=TRACE
    )


async def _run(stack_factory: StackFactory, bus: EventBus, update: PatientUpdate) -> Watcher:
    watcher = Watcher()
    await bus.subscribe(
        "partner-watch", [PartnerUpserted.event_type], ["events:partners.read"], watcher
    )
    async with stack_factory(events=bus):
        outcome = await asyncio.wait_for((await start_patient_update(update)).get_result(), WAIT)
        assert outcome.state == "completed"
        await watcher.wait_for(1)
    return watcher


async def test_each_step_is_a_span_in_the_inputs_trace_and_the_event_follows(
    stack_factory: StackFactory, workflow_bus: EventBus, spans: InMemorySpanExporter
) -> None:
    watcher = await _run(stack_factory, workflow_bus, traced_update("msg-t1", "MRN-TR-1"))

    finished = spans.get_finished_spans()
    steps = [s for s in finished if s.name.startswith("step ")]
    assert [s.name for s in steps] == [f"step {name}" for name in STEPS]
    assert {format(s.context.trace_id, "032x") for s in steps} == {TRACE}
    parents = {s.parent.span_id if s.parent else None for s in steps}
    assert len(parents) == 1  # the run's own parent, the same for every step
    assert None not in parents
    [producer] = [s for s in finished if s.kind is SpanKind.PRODUCER]
    notify = steps[-1]
    assert producer.parent is not None
    assert producer.parent.span_id == notify.context.span_id
    [received] = watcher.received
    assert str(received.cloudevent["traceparent"]).split("-")[1] == TRACE


async def test_without_tracing_the_event_still_carries_the_runs_trace_id(
    stack_factory: StackFactory, workflow_bus: EventBus
) -> None:
    watcher = await _run(stack_factory, workflow_bus, traced_update("msg-t2", "MRN-TR-2"))

    [received] = watcher.received
    assert str(received.cloudevent["traceparent"]).split("-")[1] == TRACE
