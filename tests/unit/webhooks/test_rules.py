"""Pure rules: which endpoints want an event, what a thin body holds, when to retry."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest

from healthbridge.core import ConfigError, load_settings
from healthbridge.core.sections.webhooks import WebhooksSettings
from healthbridge.webhooks import InvalidEndpointError, PayloadBuilder, ReplayGuard, RetryPolicy
from healthbridge.webhooks.retries import parse_retry_after
from healthbridge.webhooks.subscriptions import check_pattern, matches

STOCK = "org.healthbridge.stock.level-changed.v1"


@pytest.mark.parametrize(
    ("pattern", "event_type", "expected"),
    [
        (STOCK, STOCK, True),
        ("org.healthbridge.stock.*", STOCK, True),
        ("org.healthbridge.*", STOCK, True),
        ("*", STOCK, True),
        ("org.healthbridge.stock.*", "org.healthbridge.stockroom.x.v1", False),
        ("org.healthbridge.invoice.*", STOCK, False),
        ("org.healthbridge.stock.level-changed.v2", STOCK, False),
    ],
)
def test_patterns_select_exact_types_and_prefixes(pattern, event_type, expected):
    assert matches(pattern, event_type) is expected


@pytest.mark.parametrize("pattern", ["", "org.*.stock", "org..x", "**", "org.healthbridge.*.*"])
def test_a_wildcard_anywhere_but_the_end_is_refused(pattern):
    with pytest.raises(InvalidEndpointError):
        check_pattern(pattern)


def event(**changes):
    return {
        "id": "evt-1",
        "type": STOCK,
        "subject": "WH/Stock 7",
        "time": "2026-11-24T10:00:00Z",
        "data": {"quantity": 3},
        **changes,
    }


def test_a_thin_body_links_to_the_governed_route_and_carries_no_data():
    posted = event(type="org.healthbridge.invoice.posted.v1", subject="account.move/7")
    body = json.loads(PayloadBuilder("https://hub.example/").body(posted, full=False))

    assert body == {
        "type": "org.healthbridge.invoice.posted.v1",
        "timestamp": "2026-11-24T10:00:00Z",
        "data": {
            "id": "evt-1",
            "subject": "account.move/7",
            "link": "https://hub.example/api/v1/invoices/urn%3Ahealthbridge%3Aodoo%3Aaccount.move%7C7",
        },
    }


def test_a_confirmed_order_links_to_its_fhir_supply_request():
    confirmed = event(
        type="org.healthbridge.purchase.order-confirmed.v1", subject="purchase.order/12"
    )
    assert PayloadBuilder("https://hub.example").link(confirmed) == (
        "https://hub.example/fhir/R4/SupplyRequest/12"
    )


def test_a_type_without_a_route_of_its_own_links_to_the_event():
    assert PayloadBuilder("https://hub.example").link(event()) == (
        "https://hub.example/api/v1/events/evt-1"
    )


def test_a_full_body_adds_the_event_data():
    body = json.loads(PayloadBuilder("https://hub.example").body(event(), full=True))
    assert body["data"]["payload"] == {"quantity": 3}


def test_an_unknown_type_or_missing_subject_links_to_the_event_itself():
    builder = PayloadBuilder("https://hub.example")
    assert (
        builder.link(event(type="org.other.thing.v1")) == "https://hub.example/api/v1/events/evt-1"
    )
    assert builder.link(event(subject=None)) == "https://hub.example/api/v1/events/evt-1"


def test_configured_templates_override_the_built_in_table():
    builder = PayloadBuilder(
        "https://hub.example", {"org.healthbridge.stock.level-changed": "/v2/levels/{subject}"}
    )
    assert builder.link(event(subject="7")) == "https://hub.example/v2/levels/7"


def test_each_retry_waits_a_random_time_up_to_its_step_then_gives_up():
    policy = RetryPolicy((5.0, 300.0), rng=random.Random(7))

    waits = [policy.delay(0) for _ in range(200)]
    assert all(0 <= w <= 5.0 for w in waits)
    assert max(waits) - min(waits) > 2.0  # jittered, not fixed
    assert 0 <= policy.delay(1) <= 300.0
    assert policy.delay(2) is None


def test_retry_after_is_a_floor_capped_by_the_setting():
    policy = RetryPolicy((1.0,), max_retry_after=60.0, rng=random.Random(1))

    assert policy.delay(0, retry_after=30.0) == 30.0
    assert policy.delay(0, retry_after=10_000.0) == 60.0


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Tue, 24 Nov 2026 10:01:00 GMT", now) == 60.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_the_replay_guard_remembers_ids_per_source_and_forgets_the_oldest_first():
    guard = ReplayGuard(60, max_entries=2)
    guard.remember("lab", "m1")

    assert guard.seen("lab", "m1")
    assert not guard.seen("pharmacy", "m1")
    guard.remember("lab", "m2")
    guard.remember("lab", "m3")
    assert not guard.seen("lab", "m1")
    assert guard.seen("lab", "m3")


def test_an_expired_id_is_forgotten():
    guard = ReplayGuard(0.0)
    guard.remember("lab", "m1")
    assert not guard.seen("lab", "m1")


def test_settings_refuse_a_lease_shorter_than_a_request():
    with pytest.raises(ValueError, match="lease_seconds"):
        WebhooksSettings(lease_seconds=5, request_timeout_seconds=10)
    assert WebhooksSettings().retry_schedule_seconds[0] == 5.0
    assert sum(WebhooksSettings().retry_schedule_seconds) / 3600 > 24


def test_an_inbound_secret_that_is_not_whsec_fails_at_start_up_without_being_echoed():
    with pytest.raises(ConfigError, match="whsec_") as caught:
        load_settings(webhooks={"inbound_sources": {"lab": {"secrets": ["hunter2-is-not-a-key"]}}})
    assert "webhooks.inbound_sources.lab.secrets" in caught.value.safe_message
    assert "hunter2" not in caught.value.safe_message
