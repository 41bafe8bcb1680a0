"""The patient update's steps: the billing partner upserted in Odoo, subscribers notified.

Each is safe to run again after a crash. The Odoo side is two steps: a read that decides
what to write (recorded, so a replay writes and reports the same difference) and the
write, which finds the partner by its MRN (``ref``) before creating one, so a create
that reached Odoo before the worker died is found and updated rather than made twice.
The notify step publishes under a source key derived from the run, so JetStream drops a
second publish of the same notification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.events import PartnerUpserted
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.patient import Patient
from healthbridge.core.errors import ConflictError, InvalidRequestError, UnavailableError
from healthbridge.mappings.odoo.partners import PARTNER, PATIENT_TAG, patient_to_odoo_vals
from healthbridge.services.event_ports import OutgoingEvent
from healthbridge.services.ports import OdooPort
from healthbridge.workflows.dependencies import dependencies, pause_point
from healthbridge.workflows.errors import WorkflowRuntimeError
from healthbridge.workflows.patient_update.model import (
    PartnerPlan,
    PartnerUpsert,
    PatientUpdate,
)
from healthbridge.workflows.tracing import traced_step

STEP_NAMES = ("read_billing_partner", "upsert_billing_partner", "notify_partner_upserted")
"""The steps of a run in order."""

_ALL = {"active_test": False}


class PatientWithoutMrnError(InvalidRequestError):
    """The update names no medical record number, so no billing partner can be found by it."""

    code = "patient_update.no_mrn"


class DuplicatePatientError(ConflictError):
    """More than one Odoo partner holds the patient's MRN: a person must merge them first."""

    code = "patient_update.duplicate_partner"


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, list | tuple) and current and isinstance(wanted, int):
        return bool(current[0] == wanted)
    if current is False and wanted in ("", None):
        return True
    return bool(current == wanted)


def mrn_of(patient: Patient) -> str:
    """The MRN the billing partner is keyed by (its ``ref``); raises when there is none."""
    ref = patient_to_odoo_vals(patient).get("ref")
    if not ref:
        raise PatientWithoutMrnError(
            "the update names no medical record number (an MR-typed identifier)"
        )
    return str(ref)


async def plan_billing_partner(odoo: OdooPort, patient: Patient) -> PartnerPlan:
    """What the update will do to the patient's billing partner, decided from Odoo now.

    Recorded as a step of its own, so a worker that dies while writing replays the same
    plan: the notification then names the fields this update changed, not the empty
    difference a second look after the write would find.
    """
    mrn = mrn_of(patient)
    vals = patient_to_odoo_vals(patient)
    found = await odoo.search_read(
        PARTNER, [("ref", "=", mrn)], [*vals, "category_id"], order="id asc", context=_ALL
    )
    if len(found) > 1:
        raise DuplicatePatientError(
            "more than one Odoo partner holds this MRN", details={"partners": len(found)}
        )
    tags = await odoo.search_read(
        "res.partner.category", [("name", "=", PATIENT_TAG)], ["id"], limit=1
    )
    tag = int(tags[0]["id"]) if tags else None
    if not found:
        create = dict(vals)
        if tag is not None:
            create["category_id"] = [(4, tag)]
        return PartnerPlan(None, create, tuple(sorted(vals)))
    current: Mapping[str, Any] = found[0]
    changed = {key: value for key, value in vals.items() if not _same(current.get(key), value)}
    if tag is not None and tag not in (current.get("category_id") or []):
        changed["category_id"] = [(4, tag)]
    return PartnerPlan(int(current["id"]), changed, tuple(sorted(changed)))


async def apply_partner_plan(odoo: OdooPort, mrn: str, plan: PartnerPlan) -> PartnerUpsert:
    """The plan carried out; a create finds the partner an interrupted attempt made first."""
    partner_id = plan.partner_id
    if partner_id is None:
        found = await odoo.search_read(
            PARTNER, [("ref", "=", mrn)], ["id"], order="id asc", context=_ALL
        )
        if found:
            partner_id = int(found[0]["id"])
            await odoo.write(PARTNER, [partner_id], dict(plan.vals))
        else:
            [partner_id] = await odoo.create(PARTNER, [dict(plan.vals)])
    elif plan.vals:
        await odoo.write(PARTNER, [partner_id], dict(plan.vals))
    return PartnerUpsert(partner_id, plan.partner_id is None, plan.changed_fields)


async def ensure_billing_partner(odoo: OdooPort, patient: Patient) -> PartnerUpsert:
    """The patient's one billing partner: found by MRN and updated, or created (tagged Patient).

    Only fields whose value differs are written, and their names come back, so the
    notification says what changed without carrying any value.
    """
    plan = await plan_billing_partner(odoo, patient)
    return await apply_partner_plan(odoo, mrn_of(patient), plan)


def partner_upserted(update: PatientUpdate, upsert: PartnerUpsert) -> PartnerUpserted:
    """The notification: which partner, which fields changed; no names, no identifiers.

    Subscribers that need the values read the partner through the governed API, where
    projection to what each may see applies.
    """
    return PartnerUpserted(
        record=Identifier.odoo(PARTNER, upsert.partner_id),
        occurred_at=update.occurred_at,
        kind="person",
        changed_fields=upsert.changed_fields,
        active=update.patient.active is not False,
    )


def _publish_retry(error: BaseException) -> bool:
    return isinstance(error, UnavailableError)


@traced_step(name="read_billing_partner")
async def read_billing_partner(update: PatientUpdate) -> PartnerPlan:
    """The partner found by MRN and the difference this update makes (nothing written)."""
    plan = await plan_billing_partner(dependencies().odoo, update.patient)
    await pause_point("read_billing_partner")
    return plan


@traced_step(name="upsert_billing_partner")
async def upsert_billing_partner(update: PatientUpdate, plan: PartnerPlan) -> PartnerUpsert:
    """The billing partner written in Odoo as planned (idempotent by MRN)."""
    upsert = await apply_partner_plan(dependencies().odoo, mrn_of(update.patient), plan)
    await pause_point("upsert_billing_partner")
    return upsert


@traced_step(
    name="notify_partner_upserted",
    retries_allowed=True,
    max_attempts=4,
    interval_seconds=0.2,
    should_retry=_publish_retry,
)
async def notify_partner_upserted(
    workflow_id: str, update: PatientUpdate, upsert: PartnerUpsert
) -> str:
    """A PartnerUpserted published for subscribers; the event's id (the same on replay)."""
    publisher = dependencies().events
    if publisher is None:
        raise WorkflowRuntimeError(
            "no event publisher is installed: pass events= to open_workflows"
        )
    [published] = await publisher.publish_all(
        [
            OutgoingEvent(
                partner_upserted(update, upsert),
                source_key=f"workflow:{workflow_id}:partner-upserted",
            )
        ]
    )
    await pause_point("notify_partner_upserted")
    return str(getattr(published, "event_id", ""))
