"""``GET /api/v1/events/{id}``: an event the hub sent a webhook about, by its CloudEvent id.

A thin webhook of a type without a business route of its own (stock levels, moves,
payments, milestones, HL7 messages) links here. Scope ``events:read`` (the scope that
lets a subscriber see every event type). The event comes from the event log the webhook
fan-out keeps (``store.event_log``), and its data is projected like every other route's:
each field of the event's canonical model carries a data class, and ``phi`` fields are
returned only with ``phi.read`` (the dropped paths are listed in ``withheld``). Data of
a type this hub does not know is withheld as a whole unless the caller holds ``phi.read``:
it cannot be classified, so it is treated as the most sensitive.

The log is the app's ``state.event_log`` unless one is passed to ``events_router``; a hub
that has none answers 503, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from healthbridge.canonical.classification import (
    OPERATIONAL,
    PUBLIC,
    DataClass,
    effective_data_classes,
)
from healthbridge.canonical.events import EVENTS_BY_TYPE
from healthbridge.core.errors import NotFoundError, UnavailableError
from healthbridge.gateway.authorization import require_scopes
from healthbridge.gateway.routes.projection import ProjectedResponse
from healthbridge.security.principal import Principal
from healthbridge.security.projection import project, visible_classes
from healthbridge.store.event_log import LoggedEvent

SCOPE = "events:read"


class EventLookup(Protocol):
    """Where the route finds an event by id (``store.event_log.EventLog``)."""

    async def get(self, event_id: str) -> LoggedEvent | None:
        """The logged event, or None when there is none with this id."""
        ...


class EventResponse(ProjectedResponse):
    """A CloudEvent as the hub sent it, its data cut to what the caller may see."""

    id: Annotated[str, PUBLIC, Field(description="The CloudEvent id (the webhook-id's event).")]
    type: Annotated[str, PUBLIC, Field(description="The versioned event type.")]
    source: Annotated[str | None, PUBLIC] = None
    subject: Annotated[str | None, OPERATIONAL] = None
    time: Annotated[str | None, OPERATIONAL] = None
    data: Annotated[
        dict[str, Any],
        Field(
            default_factory=dict,
            description="The event's data; each field classified by the event type's model.",
        ),
    ]


@cache
def _data_classes(event_type: str) -> Mapping[str, str]:
    """``data.<path>`` -> class for the type's model; all of ``data`` is phi if unknown.

    Every leaf has its own class; a group (``patient``) gets the least sensitive class of
    its leaves, so a group that is phi throughout is withheld whole rather than answered
    as an empty shell.
    """
    model = EVENTS_BY_TYPE.get(event_type)
    if model is None:
        return {"data": DataClass.PHI.value}
    leaves = effective_data_classes(model)
    groups: dict[str, DataClass] = {}
    for path, data_class in leaves.items():
        parts = path.split(".")
        for end in range(1, len(parts)):
            group = ".".join(parts[:end])
            known = groups.get(group)
            if known is None or data_class.rank < known.rank:
                groups[group] = data_class
    classes = {**groups, **leaves}
    return {f"data.{path}": data_class.value for path, data_class in classes.items()}


def event_document(event: LoggedEvent, principal: Principal) -> EventResponse:
    """The response for ``event`` as ``principal`` may see it."""
    envelope = event.envelope
    data = envelope.get("data")
    document = {
        "id": event.id,
        "type": event.type,
        "source": _text(envelope.get("source")),
        "subject": event.subject,
        "time": _text(envelope.get("time")),
        "data": dict(data) if isinstance(data, Mapping) else {},
    }
    result = project(document, _data_classes(event.type), visible_classes(principal.scopes))
    kept = dict(result.document)
    kept.setdefault("data", {})
    return EventResponse.model_validate({**kept, "withheld": list(result.withheld)})


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def events_router(log: EventLookup | None = None) -> APIRouter:
    """The event route (scope ``events:read``) over ``log`` or the app's ``state.event_log``."""
    router = APIRouter(prefix="/api/v1/events", tags=["events"])

    def lookup(request: Request) -> EventLookup:
        found: EventLookup | None = log or getattr(request.app.state, "event_log", None)
        if found is None:
            raise UnavailableError("this hub keeps no event log: events cannot be read by id")
        return found

    @router.get("/{event_id}", response_model=EventResponse)
    async def event_by_id(
        principal: Annotated[Principal, Depends(require_scopes(SCOPE))],
        event_id: Annotated[
            str, Path(min_length=1, max_length=255, description="The CloudEvent id")
        ],
        request: Request,
    ) -> EventResponse:
        """An event a webhook named, with its data projected for the caller."""
        event = await lookup(request).get(event_id)
        if event is None:
            raise NotFoundError(
                "no event with this id: the hub keeps the events it sent webhooks about",
                details={"event_id": event_id[:80]},
            )
        return event_document(event, principal)

    return router
