"""Errors leave as problem+json on business routes and OperationOutcome on FHIR routes."""

from __future__ import annotations

import pytest
from fhir.resources.operationoutcome import OperationOutcome

from tests.integration.gateway.conftest import bearer


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("invalid", 422, "request.invalid"),
        ("missing", 404, "healthbridge.not_found"),
        ("conflict", 409, "healthbridge.conflict"),
        ("unavailable", 503, "healthbridge.unavailable"),
    ],
)
async def test_healthbridge_errors_become_problem_documents(http, token, kind, status, code):
    answer = await http.get(f"/api/v1/failures/{kind}", headers=bearer(token))

    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == status
    assert problem["code"] == code
    assert len(problem["trace_id"]) == 32
    if status == 503:
        assert answer.headers["retry-after"] == "7"


async def test_an_unexpected_exception_is_a_500_with_only_the_trace_id(http, token):
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    answer = await http.get(
        "/api/v1/failures/crash", headers={**bearer(token), "traceparent": traceparent}
    )

    assert answer.status_code == 500
    assert answer.json()["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert "John" not in answer.text
    assert "RuntimeError" not in answer.text
    assert "Traceback" not in answer.text
    assert answer.headers["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")


async def test_a_validation_error_names_the_field_but_never_echoes_the_value(http, token):
    answer = await http.post(
        "/api/v1/things",
        json={"ref": "a", "quantity": "Jane Doe 1970-01-01"},
        headers={**bearer(token), "Idempotency-Key": "v-1"},
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["loc"] == ["body", "quantity"]
    assert "Jane" not in answer.text


async def test_fhir_errors_are_valid_operation_outcomes(http, token):
    answer = await http.get("/fhir/R4/Patient/missing", headers=bearer(token))

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/fhir+json"
    outcome = OperationOutcome.model_validate(answer.json())
    assert outcome.issue[0].code == "not-found"


async def test_a_missing_token_on_fhir_is_an_operation_outcome_with_a_challenge(http):
    answer = await http.get("/fhir/R4/Patient/1")

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    outcome = OperationOutcome.model_validate(answer.json())
    assert outcome.issue[0].code == "login"


async def test_insufficient_scope_names_the_scope_in_the_challenge(http, mint, register):
    client_id, _ = await register()
    token = mint(client_id, scopes=("orders.write",))

    answer = await http.get("/api/v1/things/a", headers=bearer(token))

    assert answer.status_code == 403
    assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
    assert 'scope="inventory.read"' in answer.headers["www-authenticate"]


async def test_a_caller_without_a_traceparent_gets_a_new_trace_id_echoed(http):
    answer = await http.get("/healthz")

    version, trace_id, span_id, flags = answer.headers["traceparent"].split("-")
    assert (version, flags) == ("00", "01")
    assert len(trace_id) == 32
    assert len(span_id) == 16
