"""Patient administration update: an ADT update -> billing partner in Odoo -> subscribers told."""

from healthbridge.workflows.patient_update.model import (
    PartnerPlan,
    PartnerUpsert,
    PatientUpdate,
    PatientUpdateOutcome,
    administrative,
)
from healthbridge.workflows.patient_update.steps import (
    STEP_NAMES,
    DuplicatePatientError,
    PatientWithoutMrnError,
    apply_partner_plan,
    ensure_billing_partner,
    partner_upserted,
    plan_billing_partner,
)
from healthbridge.workflows.patient_update.workflow import patient_update, start_patient_update

__all__ = [
    "STEP_NAMES",
    "DuplicatePatientError",
    "PartnerPlan",
    "PartnerUpsert",
    "PatientUpdate",
    "PatientUpdateOutcome",
    "PatientWithoutMrnError",
    "administrative",
    "apply_partner_plan",
    "ensure_billing_partner",
    "partner_upserted",
    "patient_update",
    "plan_billing_partner",
    "start_patient_update",
]
