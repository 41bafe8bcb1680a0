"""Patient administration update: ADT facts -> billing partner in Odoo -> subscribers notified.

The body only decides. An update that cannot be applied (no MRN, two partners with one
MRN) ends as ``failed`` with the reason and nothing written; a partner updated whose
notification could not be published for good ends as ``not_notified`` (the partner
change stands: it is the truth now, and a re-run or the change relay tells subscribers).
"""

from __future__ import annotations

from dbos import DBOS, SetWorkflowID, WorkflowHandleAsync

from healthbridge.core.errors import HealthbridgeError
from healthbridge.workflows.patient_update import steps
from healthbridge.workflows.patient_update.model import PatientUpdate, PatientUpdateOutcome
from healthbridge.workflows.tracing import traced_workflow

WORKFLOW_NAME = "patient_update"


def _code(error: Exception) -> str:
    return error.code if isinstance(error, HealthbridgeError) else type(error).__name__


@DBOS.workflow(name=WORKFLOW_NAME)
@traced_workflow
async def patient_update(update: PatientUpdate) -> PatientUpdateOutcome:
    """Apply ``update`` to the billing partner and tell subscribers; end in a clear state."""
    workflow_id = update.workflow_id
    try:
        plan = await steps.read_billing_partner(update)
        upsert = await steps.upsert_billing_partner(update, plan)
    except Exception as error:
        return PatientUpdateOutcome(workflow_id, "failed", reason=_code(error))
    try:
        event_id = await steps.notify_partner_upserted(workflow_id, update, upsert)
    except Exception as error:
        return PatientUpdateOutcome(
            workflow_id,
            "not_notified",
            reason=_code(error),
            partner_id=upsert.partner_id,
            created=upsert.created,
            changed_fields=upsert.changed_fields,
        )
    return PatientUpdateOutcome(
        workflow_id,
        "completed",
        partner_id=upsert.partner_id,
        created=upsert.created,
        changed_fields=upsert.changed_fields,
        event_id=event_id,
    )


async def start_patient_update(
    update: PatientUpdate,
) -> WorkflowHandleAsync[PatientUpdateOutcome]:
    """Start (or find) the run of this message; an update without an MRN is refused here.

    Raises ``PatientWithoutMrnError`` before anything is recorded, so the inbound
    channel can NAK the message with the reason.
    """
    steps.mrn_of(update.patient)
    with SetWorkflowID(update.workflow_id):
        return await DBOS.start_workflow_async(patient_update, update)
