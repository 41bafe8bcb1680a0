"""The availability route's rendered answers: cached bytes, a fresh age on every request."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.gateway.errors import install_error_handlers
from healthbridge.gateway.routes.inventory import (
    AvailabilityResponse,
    AvailabilityRoute,
    RenderedAnswers,
    _document,
    _query,
    inventory_router,
)
from healthbridge.gateway.routes.projection import projected
from healthbridge.security.principal import Principal
from healthbridge.security.projection import visible_classes
from healthbridge.services.inventory import Availability, LocationStock, LotStock
from tests.unit.services.test_inventory import GTIN, Stock

AS_OF = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
READER = Principal("portal", "client", frozenset({"inventory.read"}), "test")
VISIBLE = visible_classes(READER.scopes)


def _availability(**changes: Any) -> Availability:
    found = Availability(
        product_id=1,
        name='Gloves "M" \u00e9',
        default_code="GLV-M",
        barcode=GTIN,
        uom="Units",
        locations=(
            LocationStock(
                location_id=1,
                location_name="WH/Stock",
                quantity=50.0,
                reserved=5.0,
                lots=(LotStock(1, "L-1", AS_OF, 50.0, 5.0),),
            ),
        ),
        as_of=AS_OF,
        age_seconds=12.345,
        staleness_bound_seconds=60.0,
        source="read_model",
        revision=1,
    )
    return replace(found, **changes)


def _reference(found: Availability) -> bytes:
    """What FastAPI itself would have answered with the response model."""
    model = projected(AvailabilityResponse, _document(found), READER)
    return model.model_dump_json().encode()


def test_the_rendered_body_is_exactly_the_response_models_own_json():
    found = _availability()

    body = RenderedAnswers().body(found, None, VISIBLE)

    assert body == _reference(found)
    AvailabilityResponse.model_validate_json(body)


def test_the_age_is_fresh_on_every_request_while_the_rest_is_rendered_once():
    answers = RenderedAnswers()

    ages = []
    for age in (0.0, 0.001, 12.5, 59.999, 3599.25):
        found = _availability(age_seconds=age)
        body = answers.body(found, None, VISIBLE)
        assert body == _reference(found)
        ages.append(json.loads(body)["age_seconds"])

    assert ages == [0.0, 0.001, 12.5, 59.999, 3599.25]
    assert len(answers) == 1


def test_a_new_revision_is_rendered_anew_so_changed_stock_is_never_served_from_the_cache():
    answers = RenderedAnswers()
    answers.body(_availability(), None, VISIBLE)
    changed = _availability(revision=2, name="Gloves L")

    body = answers.body(changed, None, VISIBLE)

    assert json.loads(body)["name"] == "Gloves L"


def test_filters_sources_and_visible_classes_are_cached_apart():
    answers = RenderedAnswers()
    found = _availability()

    answers.body(found, None, VISIBLE)
    answers.body(found, "WH/Stock", VISIBLE)
    answers.body(found, None, visible_classes({"inventory.read", "phi.read"}))

    assert len(answers) == 3


def test_answers_read_through_to_odoo_are_not_kept():
    answers = RenderedAnswers()

    body = answers.body(_availability(source="odoo", age_seconds=0.0), None, VISIBLE)

    assert json.loads(body)["source"] == "odoo"
    assert len(answers) == 0


def test_the_cache_is_bounded_whatever_filters_callers_send():
    answers = RenderedAnswers(max_entries=2)

    for location in ("a", "b", "c", "d", "e"):
        answers.body(_availability(), location, VISIBLE)

    assert len(answers) <= 2


class _Caller:
    """Pure ASGI stand-in for the authentication middleware: one fixed principal."""

    def __init__(self, app: Any, principal: Principal | None) -> None:
        self.app = app
        self.principal = principal

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.principal is not None:
            scope.setdefault("state", {})["principal"] = self.principal
        await self.app(scope, receive, send)


async def test_the_route_answers_valid_json_with_the_age_of_the_data_at_each_request():
    stock = Stock(staleness=3600.0, cache=3600.0)
    await stock.use_case.refresh_all()
    app = FastAPI()
    app.include_router(inventory_router(stock.use_case))
    app.add_middleware(_Caller, principal=READER)
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        ages = []
        for step in (0.0, 1.5, 30.25):
            stock.clock.advance(step)
            response = await client.get("/api/v1/inventory/availability", params={"product": GTIN})
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            answer = AvailabilityResponse.model_validate_json(response.content)
            ages.append(answer.age_seconds)
            assert answer.source == "read_model"
        filtered = await client.get(
            "/api/v1/inventory/availability", params={"product": GTIN, "location": "CLINIC/Stock"}
        )

    assert ages == [0.0, 1.5, 31.75]
    assert [s["location"] for s in filtered.json()["locations"]] == ["CLINIC/Stock"]


async def test_the_route_still_refuses_a_caller_without_the_scope():
    stock = Stock()
    app = FastAPI()
    app.include_router(inventory_router(stock.use_case))
    app.add_middleware(
        _Caller, principal=Principal("x", "client", frozenset({"orders.write"}), "test")
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        response = await client.get("/api/v1/inventory/availability", params={"product": GTIN})

    assert response.status_code == 500  # InsufficientScope, turned into 403 by the platform
    assert stock.odoo.calls == []


def test_the_openapi_document_still_describes_the_response_model():
    app = FastAPI()
    app.include_router(inventory_router(Stock().use_case))

    operation = app.openapi()["paths"]["/api/v1/inventory/availability"]["get"]

    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AvailabilityResponse"}
    assert [p["name"] for p in operation["parameters"]] == ["product", "location"]


def test_schemathesis_finds_every_availability_answer_within_the_documented_schema():
    stock = Stock(staleness=3600.0, cache=3600.0)
    asyncio.run(stock.use_case.refresh_all())
    app = FastAPI()
    app.include_router(inventory_router(stock.use_case))
    app.add_middleware(_Caller, principal=READER)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    [operation] = [result.ok() for result in schema.get_all_operations()]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        # one known product, so every generated location filter meets real stock
        case.query = {**(case.query or {}), "product": GTIN}
        case.call_and_validate()  # status, content type and body against the schema

    check()


def _platform_app(stock: Stock, principal: Principal | None, *, direct: bool = True) -> FastAPI:
    """The route with the platform's error handlers; ``direct=False``: FastAPI's path only."""
    router = inventory_router(stock.use_case)
    if not direct:
        for route in router.routes:
            if isinstance(route, AvailabilityRoute):
                route.direct = None
    app = FastAPI()
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(_Caller, principal=principal)
    return app


async def _get(app: FastAPI, query: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        return await client.get(f"/api/v1/inventory/availability?{query}")


async def test_the_direct_answer_is_byte_for_byte_the_one_fastapis_path_gives():
    stock = Stock(staleness=3600.0, cache=3600.0)
    await stock.use_case.refresh_all()
    stock.clock.advance(2.5)
    queries = (
        f"product={GTIN}",
        f"product={GTIN}&location=WH%2FStock",
        f"product=nothing&product={GTIN}&location=",  # the last value wins, blank kept
        "product=GLV-M&location=1&extra=ignored",
    )

    for query in queries:
        direct = await _get(_platform_app(stock, READER), query)
        through_fastapi = await _get(_platform_app(stock, READER, direct=False), query)

        assert direct.status_code == through_fastapi.status_code == 200
        assert direct.content == through_fastapi.content
        assert direct.headers == through_fastapi.headers
        assert json.loads(direct.content)["age_seconds"] == 2.5


async def test_a_malformed_query_still_gets_fastapis_own_422_problem():
    stock = Stock(staleness=3600.0, cache=3600.0)
    await stock.use_case.refresh_all()
    app = _platform_app(stock, READER)
    cases = {
        "": "missing",
        "location=WH": "missing",
        "product=": "string_too_short",
        f"product={'7' * 129}": "string_too_long",
    }

    for query, error_type in cases.items():
        response = await _get(app, query)

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"] == [
            {"loc": ["query", "product"], "msg": response.json()["errors"][0]["msg"],
             "type": error_type}
        ]  # fmt: skip
    too_long = await _get(app, f"product={GTIN}&location={'x' * 513}")
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["loc"] == ["query", "location"]


async def test_callers_without_a_principal_or_the_scope_get_401_and_403_before_any_read():
    stock = Stock()
    outsider = Principal("x", "client", frozenset({"orders.write"}), "test")

    anonymous = await _get(_platform_app(stock, None), f"product={GTIN}")
    unscoped = await _get(_platform_app(stock, outsider), f"product={GTIN}")

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "auth.unauthenticated")
    assert (unscoped.status_code, unscoped.json()["code"]) == (403, "auth.insufficient_scope")
    assert stock.odoo.calls == []


async def test_an_unknown_product_on_the_direct_path_is_a_404_problem_document():
    stock = Stock(staleness=3600.0, cache=3600.0)
    await stock.use_case.refresh_all()

    response = await _get(_platform_app(stock, READER), "product=0000000000000")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "healthbridge.not_found"


def test_the_route_is_built_to_answer_directly():
    [route] = inventory_router(Stock().use_case).routes

    assert isinstance(route, AvailabilityRoute)
    assert route.direct is not None


@given(
    text=st.text(alphabet="ab=&%+;2C\u00e9 /", max_size=30),
)
@settings(max_examples=300, deadline=None, database=None)
def test_the_query_is_read_as_starlette_reads_it(text: str) -> None:
    raw = text.encode("latin-1")

    assert _query(raw) == dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
