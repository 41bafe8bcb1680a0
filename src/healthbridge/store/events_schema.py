"""Tables of the event backbone, on the store's shared ``MetaData``.

- ``event_subscriptions``: the registry of subscriptions (name, event types, scopes).
- ``event_failures``: each failed delivery attempt, until the event succeeds or dies.
- ``event_dead_letters``: events that exhausted their deliveries, with every error,
  their payload exactly as stored (phi sealed) and their re-drive state.
- ``event_relay_cursors``: how far the change relay has published the change log.

JetStream holds the events themselves; these tables hold what JetStream forgets.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from healthbridge.store.schema import Identifier, JSONDocument, UTCDateTime, metadata

DEAD_LETTER_STATUSES = ("dead", "redriven")
"""A dead letter waits (dead) until an operator re-drives it (redriven)."""

event_subscriptions = Table(
    "event_subscriptions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("event_types", JSONDocument, nullable=False),
    Column("scopes", JSONDocument, nullable=False),
    Column("max_deliveries", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

event_failures = Table(
    "event_failures",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("subscription", String(64), nullable=False),
    Column("stream", String(64), nullable=False),
    Column("stream_seq", BigInteger, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("code", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index("ix_event_failures_delivery", "subscription", "stream", "stream_seq"),
)

event_dead_letters = Table(
    "event_dead_letters",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("subscription", String(64), nullable=False),
    Column("stream", String(64), nullable=False),
    Column("stream_seq", BigInteger, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("subject", String(255), nullable=False),
    # Exactly as stored in the stream: CloudEvents headers and the body with phi sealed.
    Column("headers", JSONDocument, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("errors", JSONDocument, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("dead_lettered_at", UTCDateTime, nullable=False),
    Column("redriven_at", UTCDateTime, nullable=True),
    Column("redrive_count", Integer, nullable=False),
    UniqueConstraint("subscription", "stream", "stream_seq", name="uq_event_dead_letters_delivery"),
    Index("ix_event_dead_letters_status_id", "status", "id"),
)

event_relay_cursors = Table(
    "event_relay_cursors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
