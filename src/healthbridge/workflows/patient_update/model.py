"""The patient administration update's input and outcome.

The input carries the ADT message's administrative facts only: the patient's
identifiers, names, contact points, addresses and active flag. Gender, birth date,
death and everything clinical are dropped before the run is recorded (DBOS keeps
inputs in its system database), so they never reach the run's record, Odoo or an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from healthbridge.canonical.patient import Patient

PatientUpdateState = Literal["completed", "failed", "not_notified"]


def administrative(patient: Patient) -> Patient:
    """``patient`` reduced to what a billing partner needs (no gender, birth, death, GPs)."""
    return Patient(
        identifiers=patient.identifiers,
        active=patient.active,
        names=patient.names,
        telecom=patient.telecom,
        addresses=patient.addresses,
    )


class PatientUpdate(BaseModel):
    """An ADT update (A01/A04/A08/A28/A31...) of one patient: update the billing partner."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: str = Field(
        min_length=1,
        max_length=128,
        description="The inbound message's id (log id or control id): the run's business key.",
    )
    trigger_event: str = Field("A08", min_length=3, max_length=3, description="ADT trigger.")
    occurred_at: AwareDatetime = Field(description="When the sender recorded the update.")
    patient: Patient
    trace_id: str | None = None

    @classmethod
    def of(
        cls,
        patient: Patient,
        *,
        message_id: str,
        occurred_at: AwareDatetime,
        trigger_event: str = "A08",
        trace_id: str | None = None,
    ) -> PatientUpdate:
        """The update for ``patient`` with everything but administrative fields removed."""
        return cls(
            message_id=message_id,
            trigger_event=trigger_event,
            occurred_at=occurred_at,
            patient=administrative(patient),
            trace_id=trace_id,
        )

    @property
    def workflow_id(self) -> str:
        """One run per inbound message: the same message submitted twice starts one run."""
        return f"patient-update-{self.message_id}"


@dataclass(frozen=True, slots=True)
class PartnerPlan:
    """What the update does to Odoo: create (``partner_id`` None) or write ``vals`` to it."""

    partner_id: int | None
    vals: dict[str, Any] = field(default_factory=dict)
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PartnerUpsert:
    """What the Odoo step did: the partner's id, whether it was new, which fields changed."""

    partner_id: int
    created: bool
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PatientUpdateOutcome:
    """How a run ended: partner updated and subscribers notified, or why not."""

    workflow_id: str
    state: PatientUpdateState
    reason: str | None = None
    partner_id: int | None = None
    created: bool = False
    changed_fields: tuple[str, ...] = ()
    event_id: str | None = None
