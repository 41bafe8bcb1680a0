"""A workflow worker in its own process, for fault tests that SIGKILL it.

``python -m tests.fault.workflows.worker_process '<json options>'`` opens the real stack
(store, Odoo client, supplier client, DBOS runtime), then optionally starts a
replenishment run, and prints JSON lines on stdout: ``{"ready": ...}`` once launched,
``{"paused": step}`` when the pause hook stops a step (the moment to kill it), and
``{"outcome": ...}`` when the awaited run ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dbos import DBOS

from healthbridge.canonical.patient import Patient
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.mappings.odoo.systems import identifier_type
from healthbridge.services.event_ports import OutgoingEvent
from healthbridge.workflows.patient_update import PatientUpdate, start_patient_update
from healthbridge.workflows.payer_claim import InvoiceToPayer, start_invoice_to_payer
from healthbridge.workflows.replenishment import start_replenishment
from tests.integration.workflows.harness import open_stack, stock_low


def _say(value: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(value, default=str) + "\n")
    sys.stdout.flush()


@dataclasses.dataclass(frozen=True)
class _Published:
    event_id: str


class _StdoutPublisher:
    """An event publisher port that reports each publish as a line (no bus in this process)."""

    async def publish_all(self, items: Sequence[OutgoingEvent]) -> Sequence[object]:
        for item in items:
            _say({"published": item.source_key})
        return [_Published(str(item.source_key)) for item in items]


def patient_update_for(mrn: str) -> PatientUpdate:
    """An A08 update of the patient ``mrn`` (the same facts in every process)."""
    patient = Patient.model_validate(
        {
            "identifiers": [{"system": "urn:mrn", "value": mrn, "type": identifier_type("MR")}],
            "names": [{"family": "Claes", "given": ["Lena"]}],
            "telecom": [{"system": "phone", "value": "+32 3 555 00 00"}],
        }
    )
    return PatientUpdate.of(
        patient, message_id=f"kill-{mrn}", occurred_at=datetime(2026, 11, 24, tzinfo=UTC)
    )


def _register_new_code() -> None:
    # A workflow this build adds: with DBOS's default, the application version would be a
    # hash of the registered code and change with it; the pinned version must not.
    @DBOS.workflow(name="added_in_this_build")
    async def added_in_this_build() -> None:
        return None


async def _run(options: dict[str, Any]) -> None:
    settings = WorkflowsSettings(**options["settings"])
    if options.get("new_code"):
        _register_new_code()
    async with open_stack(
        store_url=options["store_url"],
        data_dir=Path(options["data_dir"]),
        odoo_url=options["odoo_url"],
        odoo_database=options["odoo_database"],
        odoo_api_key=options["odoo_api_key"],
        settings=settings,
        on_pause=lambda step: _say({"paused": step}),
        heartbeat=bool(options.get("heartbeat")),
        events=_StdoutPublisher(),
    ):
        _say({"ready": settings.executor_id, "version": DBOS.application_version})
        workflow_id = options.get("wait_for")
        if options.get("start"):
            handle = await start_replenishment(stock_low(options["start"]))
            workflow_id = handle.workflow_id
        if options.get("claim"):
            request = InvoiceToPayer(invoice_id=int(options["claim"]), coverage="M-1")
            workflow_id = (await start_invoice_to_payer(request)).workflow_id
        if options.get("patient"):
            update = patient_update_for(options["patient"])
            workflow_id = (await start_patient_update(update)).workflow_id
        if workflow_id:
            handle = await DBOS.retrieve_workflow_async(workflow_id)
            outcome = await handle.get_result()
            _say({"outcome": dataclasses.asdict(outcome)})
        if options.get("linger"):
            await asyncio.Event().wait()


def main() -> int:
    """Run the worker with the JSON options in argv[1].

    With ``"hold": true`` it loads everything, prints ``{"loaded": true}`` and waits for a
    line on stdin before starting, so a test can have the replacement worker warm while
    the first one is still alive, and start it only once the first is dead.
    """
    options = json.loads(sys.argv[1])
    if options.get("hold"):
        _say({"loaded": True})
        sys.stdin.readline()
    asyncio.run(_run(options))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
