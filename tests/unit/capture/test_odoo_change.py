"""OdooChange: reading changes out of webhook bodies and polled rows (wire facts, section 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from healthbridge.canonical import OdooChange, OdooChangeError

OBSERVED = datetime(2026, 11, 24, 15, 41, 52, tzinfo=UTC)

# Byte for byte as a real Odoo 19.0 sent them (odoo-wire-facts.md, section 4 and A4).
PROBE_BODY = (
    '{"_action": "Notify hub(#479)", "_id": 55, "_model": "res.partner", "country_id": false, '
    '"email": "b@example.com", "id": 55, "name": "Webhook Count Probe B", '
    '"write_date": "2026-11-24 15:41:51.278667"}'
)
RICH_BODY = (
    '{"_action": "TMP rich(#480)", "_id": 9, "_model": "res.partner", "active": true, '
    '"category_id": [4, 7], "child_ids": [36, 19, 20], '
    '"comment": "<p>\\u00dcn\\u00efcode \\u2713 probe 1795535111</p>", "company_type": "company", '
    '"create_date": "2026-11-24 15:35:11.858082", "customer_rank": 14, "id": 9, "lang": "en_US", '
    '"parent_id": false, "partner_latitude": 0.0, "vat": "US12345673"}'
)
SOURCE_EXAMPLE_BODY = (
    '{"_action": "Notify CRM(#42)", "_id": 7, "_model": "crm.lead", "id": 7, "name": "Big deal", '
    '"partner_id": 14, "write_date": "2024-05-02 09:13:55"}'
)


def test_a_real_webhook_body_gives_model_id_and_write_date_cut_to_the_second():
    change = OdooChange.from_webhook(json.loads(PROBE_BODY), observed_at=OBSERVED)

    assert change.model == "res.partner"
    assert change.record_id == 55
    assert change.write_date == datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC)
    assert change.source == "webhook"
    assert change.key == ("res.partner", 55, datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC))


def test_a_webhook_change_keeps_the_field_names_but_never_their_values():
    change = OdooChange.from_webhook(json.loads(PROBE_BODY), observed_at=OBSERVED)

    assert change.changed_fields == ("country_id", "email", "name")
    dumped = change.model_dump_json()
    assert "b@example.com" not in dumped
    assert "Webhook Count Probe B" not in dumped
    assert "Notify hub" not in dumped


def test_a_body_with_seconds_only_write_date_parses_too():
    change = OdooChange.from_webhook(json.loads(SOURCE_EXAMPLE_BODY), observed_at=OBSERVED)

    assert change.key == ("crm.lead", 7, datetime(2024, 5, 2, 9, 13, 55, tzinfo=UTC))
    assert change.changed_fields == ("name", "partner_id")


def test_a_body_without_write_date_is_refused_with_a_message_that_says_how_to_fix_it():
    with pytest.raises(OdooChangeError) as caught:
        OdooChange.from_webhook(json.loads(RICH_BODY), observed_at=OBSERVED)

    assert caught.value.details["missing"] == ["write_date"]
    assert "write_date" in str(caught.value)
    assert "install-webhooks" in str(caught.value)
    assert "US12345673" not in str(caught.value)


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({}, ["_action", "_id", "_model", "write_date"]),
        (
            {"_action": "x(#1)", "_model": "res.partner", "write_date": "2026-11-24 15:41:51"},
            ["_id"],
        ),
        ({"_action": "x(#1)", "_id": 5, "write_date": "2026-11-24 15:41:51"}, ["_model"]),
    ],
)
def test_a_body_missing_odoo_keys_names_each_missing_key(body, missing):
    with pytest.raises(OdooChangeError) as caught:
        OdooChange.from_webhook(body, observed_at=OBSERVED)

    assert caught.value.details["missing"] == missing
    assert caught.value.code == "capture.invalid_change"


@pytest.mark.parametrize(
    ("override", "invalid"),
    [
        ({"_id": "55"}, "_id"),
        ({"_id": True}, "_id"),
        ({"_id": 0}, "_id"),
        ({"id": 56}, "id"),
        ({"_model": ""}, "_model"),
        ({"write_date": False}, "write_date"),
        ({"write_date": "yesterday"}, "write_date"),
    ],
)
def test_a_body_with_malformed_odoo_keys_names_the_key_but_not_its_value(override, invalid):
    body = {**json.loads(PROBE_BODY), **override}

    with pytest.raises(OdooChangeError) as caught:
        OdooChange.from_webhook(body, observed_at=OBSERVED)

    assert caught.value.details["invalid"] == [invalid]
    assert "yesterday" not in str(caught.value)


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(OdooChangeError):
        OdooChange.from_webhook([1, 2, 3], observed_at=OBSERVED)


def test_a_polled_row_and_the_webhook_of_the_same_write_have_the_same_key():
    from_hook = OdooChange.from_webhook(json.loads(PROBE_BODY), observed_at=OBSERVED)
    from_poll = OdooChange.from_polled_row(
        "res.partner", {"id": 55, "write_date": "2026-11-24 15:41:51"}, observed_at=OBSERVED
    )

    assert from_poll.key == from_hook.key
    assert from_poll.source == "poller"
    assert from_poll.changed_fields == ()


@pytest.mark.parametrize(
    "observed_at",
    [OBSERVED, OBSERVED.astimezone(timezone(timedelta(hours=-5)))],
    ids=["utc", "another-offset"],
)
def test_a_polled_row_makes_the_same_change_the_validating_constructor_makes(observed_at):
    polled = OdooChange.from_polled_row(
        "res.partner", {"id": 55, "write_date": "2026-11-24 15:41:51"}, observed_at=observed_at
    )
    validated = OdooChange(
        model="res.partner",
        record_id=55,
        write_date=datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC),
        source="poller",
        observed_at=observed_at,
    )

    assert polled == validated
    assert polled.model_dump() == validated.model_dump()
    assert polled.observed_at.utcoffset() == timedelta(0)


def test_a_polled_row_with_a_bad_model_name_or_a_naive_time_is_refused():
    row = {"id": 55, "write_date": "2026-11-24 15:41:51"}
    with pytest.raises(ValidationError):
        OdooChange.from_polled_row("x" * 129, row, observed_at=OBSERVED)
    with pytest.raises(ValidationError):
        OdooChange.from_polled_row("", row, observed_at=OBSERVED)
    with pytest.raises(ValidationError):
        OdooChange.from_polled_row("res.partner", row, observed_at=datetime(2026, 11, 24))


def test_a_polled_row_without_an_id_or_write_date_is_refused():
    with pytest.raises(OdooChangeError):
        OdooChange.from_polled_row(
            "res.partner", {"write_date": "2026-11-24 15:41:51"}, observed_at=OBSERVED
        )
    with pytest.raises(OdooChangeError):
        OdooChange.from_polled_row(
            "res.partner", {"id": 3, "write_date": False}, observed_at=OBSERVED
        )


def test_a_change_is_frozen_and_needs_timezone_aware_times():
    change = OdooChange.from_webhook(json.loads(PROBE_BODY), observed_at=OBSERVED)
    with pytest.raises(ValidationError):
        change.record_id = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        OdooChange(
            model="res.partner",
            record_id=1,
            write_date=datetime(2026, 11, 24, 15, 41, 51),
            source="poller",
            observed_at=OBSERVED,
        )


def test_a_write_date_in_another_time_zone_is_stored_as_utc_to_the_second():
    change = OdooChange(
        model="res.partner",
        record_id=1,
        write_date=datetime.fromisoformat("2026-11-24T16:41:51.999+01:00"),
        source="poller",
        observed_at=OBSERVED,
    )

    assert change.write_date == datetime(2026, 11, 24, 15, 41, 51, tzinfo=UTC)
