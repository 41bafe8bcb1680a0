"""Our signer and verifier agree with the standardwebhooks reference, both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from healthbridge.webhooks import WebhookVerificationError, generate_secret, verify_inbound
from healthbridge.webhooks.signing import secret_key, signature_header

BODY = b'{"type":"org.healthbridge.stock.level-changed.v1","data":{"id":"evt-1"}}'


def headers(secrets: list[str], when: datetime, message_id: str = "evt-1") -> dict[str, str]:
    timestamp = int(when.timestamp())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            [secret_key(s) for s in secrets], message_id, timestamp, BODY
        ),
    }


def test_a_generated_secret_is_whsec_base64_of_32_bytes():
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(secret_key(secret)) == 32
    assert generate_secret() != secret


def test_the_reference_verifies_what_we_sign():
    secret = generate_secret()
    now = datetime.now(UTC)

    assert Webhook(secret).verify(BODY, headers([secret], now))["data"]["id"] == "evt-1"


def test_we_verify_what_the_reference_signs():
    secret = generate_secret()
    now = datetime.now(UTC)
    signature = Webhook(secret).sign("msg-9", now, BODY.decode())
    sent = {
        "webhook-id": "msg-9",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }

    assert verify_inbound(sent, BODY, [secret], now) == "msg-9"


def test_during_a_rotation_either_secret_verifies_the_message():
    old, new = generate_secret(), generate_secret()
    now = datetime.now(UTC)
    sent = headers([new, old], now)

    assert len(sent["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, sent)
    Webhook(new).verify(BODY, sent)
    assert verify_inbound(sent, BODY, [old], now) == "evt-1"


def test_a_wrong_secret_a_changed_body_or_a_missing_header_is_refused():
    secret, other = generate_secret(), generate_secret()
    now = datetime.now(UTC)
    sent = headers([secret], now)

    with pytest.raises(WebhookVerificationError):
        verify_inbound(sent, BODY, [other], now)
    with pytest.raises(WebhookVerificationError):
        verify_inbound(sent, BODY + b" ", [secret], now)
    with pytest.raises(WebhookVerificationError, match="webhook-signature"):
        verify_inbound(
            {k: v for k, v in sent.items() if k != "webhook-signature"}, BODY, [secret], now
        )


def test_a_timestamp_outside_the_tolerance_is_refused_either_way():
    secret = generate_secret()
    now = datetime.now(UTC)

    for skew in (timedelta(seconds=-301), timedelta(seconds=301)):
        with pytest.raises(WebhookVerificationError, match="tolerance"):
            verify_inbound(headers([secret], now + skew), BODY, [secret], now)
    assert verify_inbound(headers([secret], now - timedelta(seconds=299)), BODY, [secret], now)


def test_header_names_are_matched_without_regard_to_case():
    secret = generate_secret()
    now = datetime.now(UTC)
    sent = {k.title(): v for k, v in headers([secret], now).items()}

    assert verify_inbound(sent, BODY, [secret], now) == "evt-1"


def test_a_malformed_secret_is_refused_without_echoing_it():
    with pytest.raises(ValueError, match="whsec_") as caught:
        secret_key("whsec_not base64!")
    assert "not base64" not in str(caught.value)
