"""Verification of inbound webhooks from partners, signed with the Standard Webhooks scheme.

``verify_inbound`` is pure: headers, body, secrets and the current time in, the verified
``webhook-id`` out, or ``WebhookVerificationError``. Replay protection needs memory, so it
lives apart in ``ReplayGuard``: a message id is remembered for twice the timestamp
tolerance, after which the timestamp check alone refuses a replay.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime

from healthbridge.webhooks.errors import WebhookVerificationError
from healthbridge.webhooks.signing import secret_key, signature_matches

DEFAULT_TOLERANCE_SECONDS = 300.0


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"the {name} header is missing", details={"header": name})


def verify_inbound(
    headers: Mapping[str, str],
    body: bytes,
    secrets: Iterable[str],
    now: datetime,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
) -> str:
    """The ``webhook-id`` of a message signed by one of ``secrets`` within the tolerance.

    Raises ``WebhookVerificationError`` for a missing header, a timestamp too far from
    ``now`` either way, or no matching signature.
    """
    message_id = _header(headers, "webhook-id")
    raw_timestamp = _header(headers, "webhook-timestamp")
    signature = _header(headers, "webhook-signature")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp must be Unix seconds") from None
    if abs(now.timestamp() - timestamp) > tolerance_seconds:
        raise WebhookVerificationError(
            "webhook-timestamp is outside the tolerance window; check the sender's clock",
            details={"tolerance_seconds": tolerance_seconds},
        )
    keys = [secret_key(secret) for secret in secrets]
    if not signature_matches(keys, message_id, timestamp, body, signature):
        raise WebhookVerificationError("no webhook-signature matches a secret of this source")
    return message_id


class ReplayGuard:
    """Remembers verified message ids for a while, so a replayed message is recognised.

    Bounded: past ``max_entries`` the oldest ids are forgotten first.
    """

    def __init__(
        self,
        ttl_seconds: float = 2 * DEFAULT_TOLERANCE_SECONDS,
        *,
        max_entries: int = 100_000,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def seen(self, source: str, message_id: str) -> bool:
        """True when this source's message id was remembered and has not expired."""
        self._forget_expired()
        return (source, message_id) in self._seen

    def remember(self, source: str, message_id: str) -> None:
        """Remember a message id after it was handed over successfully."""
        self._seen[(source, message_id)] = time.monotonic() + self._ttl
        self._seen.move_to_end((source, message_id))
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)

    def _forget_expired(self) -> None:
        now = time.monotonic()
        while self._seen:
            key, expiry = next(iter(self._seen.items()))
            if expiry > now:
                break
            del self._seen[key]
