"""The CloudEvents envelope: binary mode on NATS, structured mode for handlers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_binary
from cloudevents.core.formats.json import JSONFormat

from healthbridge.events import Envelope, MalformedEventError, event_id, new_traceparent
from healthbridge.events.envelope import check_traceparent

WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def envelope(**changes) -> Envelope:
    values = {
        "id": event_id("org.healthbridge.stock.level-changed.v1", "stock.quant:7:2026"),
        "source": "urn:healthbridge:hub",
        "type": "org.healthbridge.stock.level-changed.v1",
        "subject": "stock.quant/7",
        "time": WHEN,
        "data": {"quantity": {"value": "3"}},
        "traceparent": new_traceparent(),
        "dataschema": "urn:healthbridge:contract:StockLevelChanged:1.0.0",
        "phikeyid": "k1",
    }
    values.update(changes)
    return Envelope(**values)


def test_the_binary_mode_headers_are_a_valid_cloudevent():
    sample = envelope()

    parsed = from_binary(HTTPMessage(headers=sample.headers(), body=sample.body()), JSONFormat())

    assert parsed.get_id() == sample.id
    assert parsed.get_type() == sample.type
    assert parsed.get_subject() == "stock.quant/7"
    assert parsed.get_extension("phikeyid") == "k1"
    assert parsed.get_extension("traceparent") == sample.traceparent
    assert parsed.get_data() == {"quantity": {"value": "3"}}


def test_the_structured_dict_is_a_valid_cloudevent_with_exactly_the_agreed_keys():
    structured = envelope().structured()

    parsed = JSONFormat().read(None, json.dumps(structured).encode())

    assert parsed.get_time() == WHEN
    assert sorted(structured) == sorted(
        ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data",
         "traceparent"]
    )  # fmt: skip


def test_a_message_read_back_equals_what_was_written():
    sample = envelope()

    assert Envelope.from_message(sample.headers(), sample.body()) == sample


def test_the_event_id_is_stable_per_change_version_and_type():
    key = "stock.quant:7:2026-11-24T09:30:00+00:00"

    assert event_id("t.a", key) == event_id("t.a", key)
    assert event_id("t.a", key) != event_id("t.b", key)
    assert event_id("t.a", key) != event_id("t.a", key + "x")


def test_nats_msg_id_is_the_event_id_unless_a_redrive_overrides_it():
    sample = envelope()

    assert sample.headers()["Nats-Msg-Id"] == sample.id
    assert sample.headers("x:redrive:1:1")["Nats-Msg-Id"] == "x:redrive:1:1"


def test_a_message_that_is_not_a_cloudevent_is_refused():
    with pytest.raises(MalformedEventError):
        Envelope.from_message({"ce-specversion": "1.0"}, b"{}")
    with pytest.raises(MalformedEventError):
        Envelope.from_message({}, b"{}")


@pytest.mark.parametrize(
    "value",
    ["", "00-abc-def-01", "00-" + "0" * 32 + "-00f067aa0ba902b7-01"],
)
def test_an_invalid_traceparent_is_refused(value):
    with pytest.raises(ValueError, match="traceparent"):
        check_traceparent(value)


def test_a_new_traceparent_is_valid():
    assert check_traceparent(new_traceparent())
