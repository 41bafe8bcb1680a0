"""Workflow runs in their caller's trace: a span per step execution.

A workflow's input keeps the trace id of what started it (``trace_id``, from the event's
or the request's ``traceparent``); the run may resume days later in another process, so
no live span can be its parent. ``traced_workflow`` makes the run's context a remote
parent in that trace whose span id is derived from the workflow id (the same in every
process, see ``observability.workflow_parent``); when the run starts in-process under a
span of that very trace (the consumer of the triggering event), that span stays the
parent instead. ``traced_step`` is ``DBOS.step`` with a span around each execution of the
step (each retry is one; a step replayed from its recorded output is none), so the Odoo
calls and event publishes a step makes are its children.

The context is set even without a tracer provider: an event a step publishes still
carries the run's trace id.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from dbos import DBOS
from opentelemetry import context as otel_context
from opentelemetry import trace

from healthbridge.observability.tracing import span, tracing_enabled, workflow_parent

P = ParamSpec("P")
R = TypeVar("R")
_Async = Callable[P, Coroutine[Any, Any, R]]


def traced_workflow(
    function: _Async[P, R],
) -> _Async[P, R]:
    """Run a workflow function in its input's trace (the first argument's ``trace_id``).

    Put it under ``@DBOS.workflow(...)``; the input needs ``trace_id`` and, ideally,
    ``workflow_id`` (else DBOS's current workflow id is used).
    """

    @functools.wraps(function)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        request = args[0] if args else None
        trace_id = getattr(request, "trace_id", None)
        current = trace.get_current_span().get_span_context()
        if not isinstance(trace_id, str) or (
            current.is_valid and format(current.trace_id, "032x") == trace_id
        ):
            return await function(*args, **kwargs)
        workflow_id = getattr(request, "workflow_id", None) or DBOS.workflow_id or ""
        parent = workflow_parent(trace_id, str(workflow_id))
        if parent is None:
            return await function(*args, **kwargs)
        token = otel_context.attach(parent)
        try:
            return await function(*args, **kwargs)
        finally:
            otel_context.detach(token)

    return run


def traced_step(*, name: str, **options: Any) -> Callable[[_Async[P, R]], _Async[P, R]]:
    """``DBOS.step(name=name, **options)``, with a ``step <name>`` span per execution."""

    def decorate(
        function: _Async[P, R],
    ) -> _Async[P, R]:
        @functools.wraps(function)
        async def execute(*args: P.args, **kwargs: P.kwargs) -> R:
            if not tracing_enabled():
                return await function(*args, **kwargs)
            attributes = {"healthbridge.workflow.step": name}
            with span(f"step {name}", attributes=attributes):
                return await function(*args, **kwargs)

        step: _Async[P, R] = DBOS.step(name=name, **options)(execute)
        return step

    return decorate
