"""Which trace last wrote a record: noted inside a span, bounded in number and age."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider

from healthbridge.observability.write_traces import WriteTraces

TRACER = TracerProvider().get_tracer("write-traces-test")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_write_inside_a_span_is_noted_with_that_span_as_parent():
    traces = WriteTraces()
    with TRACER.start_as_current_span("PUT /api/v1/partners") as span:
        traces.remember("res.partner", [7, 8])
    context = span.get_span_context()

    expected = f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"
    assert traces.traceparent_for("res.partner", 7) == expected
    assert traces.traceparent_for("res.partner", 8) == expected
    assert traces.traceparent_for("res.partner", 9) is None
    assert traces.traceparent_for("account.move", 7) is None


def test_a_write_outside_any_span_is_not_noted():
    traces = WriteTraces()
    traces.remember("res.partner", [7])
    assert traces.traceparent_for("res.partner", 7) is None
    assert len(traces) == 0


def test_the_latest_write_wins_and_old_notes_expire():
    clock = Clock()
    traces = WriteTraces(max_age_seconds=60, clock=clock)
    with TRACER.start_as_current_span("first"):
        traces.remember("res.partner", [7])
    with TRACER.start_as_current_span("second") as second:
        traces.remember("res.partner", [7])

    latest = second.get_span_context()
    noted = traces.traceparent_for("res.partner", 7)
    assert noted is not None
    assert noted.split("-")[1:3] == [f"{latest.trace_id:032x}", f"{latest.span_id:016x}"]
    clock.now += 61
    assert traces.traceparent_for("res.partner", 7) is None
    assert len(traces) == 0


def test_the_oldest_notes_go_first_beyond_capacity():
    traces = WriteTraces(capacity=2)
    with TRACER.start_as_current_span("writes"):
        traces.remember("res.partner", [1])
        traces.remember("res.partner", [2])
        traces.remember("res.partner", [3])

    assert len(traces) == 2
    assert traces.traceparent_for("res.partner", 1) is None
    assert traces.traceparent_for("res.partner", 3) is not None
