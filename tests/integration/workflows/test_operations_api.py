"""The workflows and tasks API on a real DBOS runtime: scopes, views, decisions, operations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from dbos import DBOS

from healthbridge.canonical.patient import Patient
from healthbridge.gateway.routes.operations import operations_router
from healthbridge.mappings.odoo.systems import identifier_type
from healthbridge.workflows.operations import WorkflowAdmin
from healthbridge.workflows.patient_update import PatientUpdate, start_patient_update
from healthbridge.workflows.replenishment import start_replenishment
from tests.integration.gateway.route_app import build_test_app, scopes_header
from tests.integration.workflows.conftest import StackFactory
from tests.integration.workflows.harness import Stack, stock_low

WAIT = 20.0
READ = scopes_header("workflows.read")
OPERATE = scopes_header("workflows.read", "workflows.operate")
DECIDE = scopes_header("workflows.read", "tasks.decide")


@dataclass
class Api:
    client: httpx.AsyncClient
    stack: Stack


@pytest.fixture
async def api(stack_factory: StackFactory, tmp_path: Path) -> AsyncIterator[Api]:
    """The operations routes on a running stack that needs approvals above 100."""
    async with stack_factory(approval_threshold=100) as stack:
        with WorkflowAdmin.open(stack.deps.settings, tmp_path) as admin:
            app = build_test_app([operations_router(admin, stack.tasks)])
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
                yield Api(client, stack)


async def waiting_run(event_id: str) -> str:
    handle = await start_replenishment(stock_low(event_id))
    phase = await DBOS.get_event_async(handle.workflow_id, "phase", timeout_seconds=WAIT)
    assert phase == "awaiting_approval"
    return handle.workflow_id


async def test_reads_need_workflows_read_and_operations_need_workflows_operate(api: Api) -> None:
    run = await waiting_run("api-scopes")
    assert (await api.client.get("/api/v1/workflows")).status_code == 401
    assert (await api.client.get("/api/v1/tasks", headers=scopes_header("x"))).status_code == 403
    refused = await api.client.post(f"/api/v1/workflows/{run}/cancel", headers=READ)
    assert refused.status_code == 403
    assert refused.json()["details"]["missing"] == ["workflows.operate"]
    approve = await api.client.post(f"/api/v1/tasks/{run}/approval/approve", headers=OPERATE)
    assert approve.status_code == 403


async def test_a_run_is_listed_by_status_and_name_and_shown_with_steps_and_timings(
    api: Api,
) -> None:
    run = await waiting_run("api-show")
    listed = await api.client.get(
        "/api/v1/workflows", params={"status": "PENDING", "name": "replenishment"}, headers=READ
    )
    assert listed.status_code == 200
    assert [item["workflow_id"] for item in listed.json()["items"]] == [run]
    other = await api.client.get(
        "/api/v1/workflows", params={"name": "invoice_to_payer"}, headers=READ
    )
    assert other.json()["items"] == []

    shown = (await api.client.get(f"/api/v1/workflows/{run}", headers=READ)).json()
    assert shown["status"] == "PENDING"
    assert [s["name"] for s in shown["steps"]][:3] == [
        "approval_policy",
        "check_supplier",
        "open_approval_task",
    ]
    assert all(s["duration_ms"] is not None for s in shown["steps"] if s["outcome"] == "done")
    assert shown["input"][0]["sku"] == "CTH-FOL-12"

    missing = await api.client.get("/api/v1/workflows/no-such-run", headers=READ)
    assert (missing.status_code, missing.json()["code"]) == (404, "workflows.not_found")


async def test_a_patient_run_shows_its_input_with_the_patient_masked(api: Api) -> None:
    patient = Patient.model_validate(
        {
            "identifiers": [
                {"system": "urn:mrn", "value": "MRN-API", "type": identifier_type("MR")}
            ],
            "names": [{"family": "Janssens", "given": ["Eva"]}],
        }
    )
    update = PatientUpdate.of(
        patient, message_id="api-1", occurred_at=datetime(2026, 11, 24, tzinfo=UTC)
    )
    await asyncio.wait_for((await start_patient_update(update)).get_result(), WAIT)
    shown = await api.client.get(f"/api/v1/workflows/{update.workflow_id}", headers=READ)
    assert shown.status_code == 200
    assert shown.json()["input"][0]["patient"] == "***"
    assert "Janssens" not in shown.text
    assert "MRN-API" not in shown.text


async def test_an_approval_through_the_api_completes_the_run_and_is_final(api: Api) -> None:
    run = await waiting_run("api-approve")
    tasks = (await api.client.get("/api/v1/tasks", params={"state": "open"}, headers=READ)).json()
    assert [t["task_id"] for t in tasks["items"]] == [f"{run}/approval"]

    approved = await api.client.post(
        f"/api/v1/tasks/{run}/approval/approve", json={"reason": "ward is short"}, headers=DECIDE
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert approved.json()["decided_by"] == "test-client"
    outcome = await asyncio.wait_for((await DBOS.retrieve_workflow_async(run)).get_result(), WAIT)
    assert (outcome.state, outcome.approval) == ("completed", "human")

    again = await api.client.post(
        f"/api/v1/tasks/{run}/approval/reject", json={"reason": "too late"}, headers=DECIDE
    )
    assert (again.status_code, again.json()["code"]) == (409, "tasks.already_decided")


async def test_a_rejection_needs_a_reason(api: Api) -> None:
    run = await waiting_run("api-reason")
    refused = await api.client.post(f"/api/v1/tasks/{run}/approval/reject", json={}, headers=DECIDE)
    assert refused.status_code == 422
    rejected = await api.client.post(
        f"/api/v1/tasks/{run}/approval/reject", json={"reason": "not needed"}, headers=DECIDE
    )
    assert rejected.json()["state"] == "rejected"
    outcome = await asyncio.wait_for((await DBOS.retrieve_workflow_async(run)).get_result(), WAIT)
    assert (outcome.state, outcome.reason) == ("not_approved", "rejected")
    unknown = await api.client.post("/api/v1/tasks/no-such-task/approve", json={}, headers=DECIDE)
    assert unknown.status_code == 404


async def test_a_run_is_cancelled_resumed_and_a_finished_one_retried(api: Api) -> None:
    run = await waiting_run("api-cancel")
    cancelled = await api.client.post(f"/api/v1/workflows/{run}/cancel", headers=OPERATE)
    assert cancelled.json() == {"workflow_id": run, "action": "cancel", "status": "CANCELLED"}
    resumed = await api.client.post(f"/api/v1/workflows/{run}/resume", headers=OPERATE)
    assert resumed.json()["status"] in ("ENQUEUED", "PENDING")

    done = await start_replenishment(stock_low("api-retry", reorder_quantity=1))
    await asyncio.wait_for(done.get_result(), WAIT)
    ended = await api.client.post(f"/api/v1/workflows/{done.workflow_id}/cancel", headers=OPERATE)
    assert (ended.status_code, ended.json()["code"]) == (409, "workflows.state")
    retried = await api.client.post(
        f"/api/v1/workflows/{done.workflow_id}/retry", json={"from_step": 2}, headers=OPERATE
    )
    assert retried.status_code == 201
    body = retried.json()
    assert body["retried_from"] == done.workflow_id
    assert body["workflow_id"] != done.workflow_id
