"""The patient update records administrative facts only, and its notification carries no PHI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from healthbridge.canonical.patient import Patient
from healthbridge.mappings.odoo.systems import identifier_type
from healthbridge.workflows.operations import masked
from healthbridge.workflows.patient_update import (
    PartnerUpsert,
    PatientUpdate,
    PatientWithoutMrnError,
    partner_upserted,
)
from healthbridge.workflows.patient_update.steps import mrn_of

WHEN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def patient(**extra: object) -> Patient:
    return Patient.model_validate(
        {
            "identifiers": [{"system": "urn:mrn", "value": "MRN-1", "type": identifier_type("MR")}],
            "names": [{"family": "Peeters", "given": ["Anna"]}],
            "gender": "female",
            "birth_date": "1980-01-01",
            "deceased": False,
            "marital_status": {"text": "married"},
            **extra,
        }
    )


def test_an_update_keeps_identifiers_names_and_contact_but_not_gender_or_birth() -> None:
    update = PatientUpdate.of(patient(), message_id="m-1", occurred_at=WHEN)
    recorded = update.model_dump(mode="json")["patient"]
    assert recorded["names"][0]["family"] == "Peeters"
    assert recorded["identifiers"][0]["value"] == "MRN-1"
    for dropped in ("gender", "birth_date", "deceased", "marital_status"):
        assert recorded[dropped] is None
    assert update.workflow_id == "patient-update-m-1"


def test_the_recorded_input_shows_masked_to_an_operator() -> None:
    update = PatientUpdate.of(patient(), message_id="m-1", occurred_at=WHEN)
    view = masked([update])
    assert view[0]["patient"] == "***"
    assert view[0]["message_id"] == "m-1"


def test_the_mrn_keys_the_partner_and_its_absence_is_refused() -> None:
    assert mrn_of(patient()) == "MRN-1"
    without = Patient.model_validate({"names": [{"family": "Peeters"}]})
    with pytest.raises(PatientWithoutMrnError) as refused:
        mrn_of(without)
    assert refused.value.code == "patient_update.no_mrn"
    assert "Peeters" not in refused.value.safe_message


def test_the_notification_names_the_partner_and_changed_fields_only() -> None:
    update = PatientUpdate.of(patient(), message_id="m-1", occurred_at=WHEN)
    event = partner_upserted(update, PartnerUpsert(41, False, ("phone", "street")))
    assert event.record.system == "urn:healthbridge:odoo:res.partner"
    assert event.record.value == "41"
    assert event.changed_fields == ("phone", "street")
    assert event.identifiers == ()
    assert event.occurred_at == WHEN
    assert "Peeters" not in event.model_dump_json()
    assert "MRN-1" not in event.model_dump_json()
