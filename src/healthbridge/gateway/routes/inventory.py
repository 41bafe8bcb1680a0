"""``GET /api/v1/inventory/availability``: stock per location, with lots, expiry and age.

This is the gateway's hot read, so its answer is rendered once and reused: the projected,
validated JSON of an answer is cached as bytes under the read model entry's revision, the
source, the location filter and the data classes the caller may see. Only ``age_seconds``
changes from one request to the next; it is spliced into the cached bytes. The route
returns a plain ``Response`` (FastAPI then neither validates nor serialises again), while
``response_model`` keeps the OpenAPI document exact: the bytes are that model's own JSON.

A well-formed request from a caller holding the scope does not even go through FastAPI's
request machinery: ``AvailabilityRoute.answer_directly`` (called by the gateway's
``DirectRoutes`` before the router searches, or by the route's ``handle``) reads the
principal the pipeline put on the scope, checks its scope with the same rule as
``require_scopes``, parses the query string itself and sends the bytes as two ASGI messages,
which saves most of the route's cost (dependency solving, ``Request``/``Response``
objects, the per-route exception wrapper). Anything else (a missing, empty or too long
parameter, no principal, a missing scope) takes FastAPI's path through the same
declared endpoint, so every refusal keeps its exact 401/403/422 document, and the
endpoint's signature keeps the OpenAPI document as it was.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Query, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter
from starlette.types import Receive, Scope, Send

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.gateway.authorization import require_scopes, scope_granted
from healthbridge.gateway.routes.projection import ProjectedResponse, field_classes
from healthbridge.security.principal import Principal
from healthbridge.security.projection import project, visible_classes
from healthbridge.services.inventory import Availability, InventoryAvailability


class LotAvailability(BaseModel):
    """Stock of one lot in one location."""

    lot_id: Annotated[int | None, OPERATIONAL]
    lot: Annotated[str | None, OPERATIONAL]
    expiry: Annotated[datetime | None, OPERATIONAL]
    quantity: Annotated[float, OPERATIONAL]
    reserved: Annotated[float, OPERATIONAL]


class LocationAvailability(BaseModel):
    """Stock of the product in one internal location."""

    location_id: Annotated[int, OPERATIONAL]
    location: Annotated[str, OPERATIONAL]
    quantity: Annotated[float, OPERATIONAL]
    reserved: Annotated[float, OPERATIONAL]
    available: Annotated[float, OPERATIONAL]
    lots: Annotated[list[LotAvailability], OPERATIONAL]


class AvailabilityResponse(ProjectedResponse):
    """A product's availability and how old the figures are."""

    product_id: Annotated[int, OPERATIONAL]
    name: Annotated[str, PUBLIC]
    gtin: Annotated[str | None, PUBLIC]
    default_code: Annotated[str | None, PUBLIC]
    uom: Annotated[str | None, PUBLIC]
    locations: Annotated[list[LocationAvailability], OPERATIONAL]
    as_of: Annotated[datetime, PUBLIC]
    age_seconds: Annotated[float, PUBLIC]
    staleness_bound_seconds: Annotated[float, PUBLIC]
    source: Annotated[Literal["read_model", "odoo"], PUBLIC]


SCOPE = "inventory.read"
_PRODUCT_MAX = 128
_LOCATION_MAX = 512


def inventory_router(inventory: InventoryAvailability) -> APIRouter:
    """The availability route over ``inventory`` (scope ``inventory.read``)."""
    router = APIRouter(
        prefix="/api/v1/inventory", tags=["inventory"], route_class=AvailabilityRoute
    )
    rendered = RenderedAnswers()

    @router.get("/availability", response_model=AvailabilityResponse)
    async def availability(
        principal: Annotated[Principal, Depends(require_scopes(SCOPE))],
        product: Annotated[
            str,
            Query(min_length=1, max_length=_PRODUCT_MAX, description="GTIN or internal reference"),
        ],
        location: Annotated[
            str | None,
            Query(
                max_length=_LOCATION_MAX,
                description="Odoo location id or full name (includes children)",
            ),
        ] = None,
    ) -> Response:
        """Stock per internal location: from the read model, or from Odoo past its bound."""
        found = await inventory.availability(product, location)
        body = rendered.body(found, location, _visible(principal.scopes))
        return Response(body, media_type="application/json")

    [route] = [r for r in router.routes if isinstance(r, AvailabilityRoute)]
    route.direct = DirectAvailability(inventory, rendered)
    return router


class DirectAvailability:
    """The availability answer straight from the ASGI scope, for well-formed requests."""

    def __init__(self, inventory: InventoryAvailability, rendered: RenderedAnswers) -> None:
        self._inventory = inventory
        self._rendered = rendered

    def accepts(self, scope: Scope) -> tuple[Principal, str, str | None] | None:
        """(principal, product, location) when FastAPI would run the endpoint with them.

        None for anything FastAPI would refuse or treat specially: it then answers.
        """
        principal = scope.get("state", {}).get("principal")
        if not isinstance(principal, Principal) or not scope_granted(principal.scopes, SCOPE):
            return None
        query = _query(scope["query_string"])
        product = query.get("product")
        location = query.get("location")
        if product is None or not 0 < len(product) <= _PRODUCT_MAX:
            return None
        if location is not None and len(location) > _LOCATION_MAX:
            return None
        return principal, product, location

    async def answer(
        self, send: Send, principal: Principal, product: str, location: str | None
    ) -> None:
        """Send the 200 answer; the use case's errors propagate to the app's handlers."""
        found = await self._inventory.availability(product, location)
        body = self._rendered.body(found, location, _visible(principal.scopes))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class AvailabilityRoute(APIRoute):
    """The availability ``APIRoute``, answering well-formed requests without FastAPI's
    request machinery (see the module's docstring); everything else as any route."""

    direct: DirectAvailability | None = None

    async def answer_directly(self, scope: Scope, send: Send) -> bool:
        """Answer and return True when ``direct`` accepts the request; else send nothing.

        The gateway's ``DirectRoutes`` calls it before the router is even asked.
        """
        direct = self.direct
        if direct is None or scope["method"] != "GET":
            return False
        accepted = direct.accepts(scope)
        if accepted is None:
            return False
        await direct.answer(send, *accepted)
        return True

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer directly when ``direct`` accepts the request, else as FastAPI would."""
        if not await self.answer_directly(scope, send):
            await super().handle(scope, receive, send)


def _query(raw: bytes) -> dict[str, str]:
    """The query's parameters as Starlette's ``QueryParams`` reads them: latin-1 text,
    blank values kept, the last of repeated values wins.

    A query without escapes (``%``, ``+``) is split by hand, which is what ``parse_qsl``
    would do with it at a fraction of the cost; any other query goes to ``parse_qsl``.
    """
    text = raw.decode("latin-1")
    if "%" in text or "+" in text or ";" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    query: dict[str, str] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            query[name] = value
    return query


_VISIBLE: dict[frozenset[str], frozenset[str]] = {}


def _visible(scopes: frozenset[str]) -> frozenset[str]:
    """``visible_classes(scopes)``, computed once per distinct set of scopes."""
    visible = _VISIBLE.get(scopes)
    if visible is None:
        if len(_VISIBLE) >= 1024:
            _VISIBLE.clear()
        visible = _VISIBLE[scopes] = visible_classes(scopes)
    return visible


_AGE_SENTINEL = -987654.321
_AGE_KEY = b'"age_seconds":'
_AGE_MARKER = _AGE_KEY + TypeAdapter(float).dump_json(_AGE_SENTINEL)
_Key = tuple[int, str, str | None, frozenset[str]]


class RenderedAnswers:
    """Availability answers as JSON bytes, cut around ``age_seconds``, by what they depend on.

    An entry is keyed by (revision, source, location filter, visible data classes); the
    revision changes whenever the inventory use case reloads a product, so an entry is
    never served for data it was not rendered from. Answers read through to Odoo are not
    kept (each has a new revision). The map is cleared when it reaches ``max_entries``,
    which bounds memory whatever location filters callers send.
    """

    def __init__(self, max_entries: int = 4096) -> None:
        self._parts: dict[_Key, tuple[bytes, bytes]] = {}
        self._max = max_entries

    def __len__(self) -> int:
        return len(self._parts)

    def body(self, found: Availability, location: str | None, visible: frozenset[str]) -> bytes:
        """The answer's JSON: ``AvailabilityResponse`` projected for ``visible``."""
        key = (found.revision, found.source, location, visible)
        parts = self._parts.get(key)
        if parts is None:
            parts = _render(found, visible)
            if found.source == "read_model":
                if len(self._parts) >= self._max:
                    self._parts.clear()
                self._parts[key] = parts
        head, tail = parts
        return head + _AGE_KEY + repr(float(found.age_seconds)).encode() + tail


def _render(found: Availability, visible: frozenset[str]) -> tuple[bytes, bytes]:
    """The validated JSON of the projected answer, split where ``age_seconds`` goes."""
    document = _document(replace(found, age_seconds=_AGE_SENTINEL))
    result = project(document, field_classes(AvailabilityResponse), visible)
    kept = dict(result.document)
    kept["withheld"] = list(result.withheld)
    body = AvailabilityResponse.model_validate(kept).model_dump_json().encode()
    head, marker, tail = body.rpartition(_AGE_MARKER)
    if not marker:  # pragma: no cover - age_seconds is public, so it is never withheld
        raise RuntimeError("the rendered availability has no age_seconds to splice")
    return head, tail


def _document(found: Availability) -> dict[str, object]:
    return {
        "product_id": found.product_id,
        "name": found.name,
        "gtin": found.barcode,
        "default_code": found.default_code,
        "uom": found.uom,
        "locations": [
            {
                "location_id": stock.location_id,
                "location": stock.location_name,
                "quantity": stock.quantity,
                "reserved": stock.reserved,
                "available": stock.available,
                "lots": [
                    {
                        "lot_id": lot.lot_id,
                        "lot": lot.lot_name,
                        "expiry": lot.expiry,
                        "quantity": lot.quantity,
                        "reserved": lot.reserved,
                    }
                    for lot in stock.lots
                ],
            }
            for stock in found.locations
        ],
        "as_of": found.as_of,
        "age_seconds": found.age_seconds,
        "staleness_bound_seconds": found.staleness_bound_seconds,
        "source": found.source,
    }
