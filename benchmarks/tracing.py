"""Per-request cost of the gateway's trace context, in process, next to no middleware at all.

Run: ``python benchmarks/tracing.py`` (``--requests 20000``, ``--rounds 3``). Each case
drives the same trivial ASGI app (one ``http.response.start`` and one body message)
``--requests`` times through a direct ASGI call, no network, in interleaved rounds:

- ``bare``: the app alone (the yardstick);
- ``untraced``: ``TraceContextMiddleware`` without a tracer provider (ids only);
- ``traced``: with a provider and no exporter (``trace_export=none``);
- ``exported``: with a provider batching to an exporter that drops the spans (what
  ``trace_export=otlp`` costs on the request path; the export runs in its own thread).

It prints, per case, the median over the rounds of CPU microseconds per request (process
time, so the export thread counts and a busy machine skews less), the added
microseconds over ``bare`` and the ratio to ``bare`` in the same round (median, range).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable, Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from healthbridge.gateway.tracing import TraceContextMiddleware
from healthbridge.observability.tracing import configure_tracing, shutdown_tracing

CALLER = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class _Dropping(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Message) -> None:
    return None


async def _drive(app: ASGIApp, requests: int) -> float:
    headers = [(b"authorization", b"Bearer x"), (b"traceparent", CALLER)]
    started = time.process_time()
    for _ in range(requests):
        scope: Scope = {"type": "http", "method": "GET", "path": "/x", "headers": headers}
        await app(scope, _receive, _send)
    return (time.process_time() - started) / requests * 1e6


def _cases() -> dict[str, tuple[ASGIApp, Callable[[], None]]]:
    def untraced() -> None:
        shutdown_tracing()

    def traced() -> None:
        configure_tracing("bench", install_global=False)

    def exported() -> None:
        configure_tracing("bench", exporter=None, install_global=False)
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

        from healthbridge.observability.tracing import _state  # noqa: PLC0415

        assert _state.provider is not None
        _state.provider.add_span_processor(BatchSpanProcessor(_Dropping()))

    middleware = TraceContextMiddleware(_app)
    return {
        "bare": (_app, untraced),
        "untraced": (middleware, untraced),
        "traced": (middleware, traced),
        "exported": (middleware, exported),
    }


async def main(requests: int, rounds: int) -> None:
    cases = _cases()
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (app, setup) in cases.items():
            setup()
            await _drive(app, requests // 10)  # warm up
            results[name].append(await _drive(app, requests))
    shutdown_tracing()
    bare = results["bare"]
    print(f"{requests} requests x {rounds} rounds, microseconds per request")
    for name, figures in results.items():
        ratios = [f / b for f, b in zip(figures, bare, strict=True)]
        added = [f - b for f, b in zip(figures, bare, strict=True)]
        print(
            f"{name:>9}: {statistics.median(figures):7.2f} us"
            f"  added {statistics.median(added):6.2f} us"
            f"  ratio {statistics.median(ratios):5.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    asyncio.run(main(options.requests, options.rounds))
