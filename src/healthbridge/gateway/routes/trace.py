"""``GET /api/v1/trace/business/{key}``: a business transaction's timeline across systems.

The same timeline as ``healthbridge trace business KEY``: each step of the transaction's
chain (a supply request -> purchase order -> receipt -> vendor bill -> payment; an
admission -> patient -> invoice -> claim -> payment) with the record each system holds
for it, when it happened, when it was expected by, and the trace that carried it. Steps
hold record ids and document numbers only (see ``services.business_recorder``), so the
route needs no projection; it needs the ``trace.read`` scope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from healthbridge.core.clock import utc_now
from healthbridge.core.errors import UnavailableError
from healthbridge.gateway.authorization import require_scopes
from healthbridge.security.principal import Principal
from healthbridge.services.business_trace import Timeline, business_timeline
from healthbridge.services.observability_ports import BusinessEventsPort

SCOPE = "trace.read"


class StepView(BaseModel):
    """One step of the chain: recorded, expected, or both."""

    model_config = ConfigDict(extra="forbid")

    step: str
    system: str
    status: str = Field(description="on_time, late, pending, overdue, missing or waiting.")
    record: str | None = Field(None, description="The system's record for the step.")
    at: datetime | None = None
    expected_by: datetime | None = None
    trace_id: str | None = None


class TimelineView(BaseModel):
    """A business transaction's steps in chain order, and those not on time."""

    model_config = ConfigDict(extra="forbid")

    key: str
    chain: str
    steps: list[StepView]
    problems: list[str] = Field(description="The steps late, overdue or missing.")


def timeline_view(timeline: Timeline) -> TimelineView:
    """The answer for ``timeline``."""
    return TimelineView(
        key=timeline.key,
        chain=timeline.chain,
        steps=[
            StepView(
                step=step.step,
                system=step.system,
                status=step.status,
                record=step.record_ref,
                at=step.occurred_at,
                expected_by=step.expected_by,
                trace_id=step.trace_id,
            )
            for step in timeline.steps
        ],
        problems=[step.step for step in timeline.problems],
    )


def trace_router(events: BusinessEventsPort | None = None) -> APIRouter:
    """The timeline route over ``events`` or the app's ``state.business_events``."""
    router = APIRouter(prefix="/api/v1/trace", tags=["observability"])

    def recorded(request: Request) -> BusinessEventsPort:
        found: BusinessEventsPort | None = events or getattr(
            request.app.state, "business_events", None
        )
        if found is None:
            raise UnavailableError("this hub records no business transactions")
        return found

    @router.get("/business/{key}", response_model=TimelineView)
    async def business(
        _: Annotated[Principal, Depends(require_scopes(SCOPE))],
        key: Annotated[
            str,
            Path(min_length=1, max_length=255, description="A business key, e.g. supply:<run>"),
        ],
        request: Request,
    ) -> TimelineView:
        """The timeline of one business transaction, judged against its expected times."""
        # NotFoundError (404) when nothing is recorded under the key.
        return timeline_view(await business_timeline(recorded(request), key, utc_now()))

    return router
