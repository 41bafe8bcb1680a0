"""Observability tables: SLI samples, business-transaction events, alert tickets.

On the store's shared ``MetaData`` so Alembic compares one schema (migration 0009).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text, UniqueConstraint

from healthbridge.store.schema import Identifier, UTCDateTime, metadata

sli_samples = Table(
    "sli_samples",
    metadata,
    # One row per integration, SLO and minute; a flush adds to the minute's counts.
    Column("integration", String(128), primary_key=True),
    Column("slo", String(32), primary_key=True),
    Column("minute", UTCDateTime, primary_key=True),
    Column("good", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Index("ix_sli_samples_minute", "minute"),
)

business_events = Table(
    "business_events",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    # The business key that ties the steps together (``supply:SR-1042``, ``adt:V123``).
    Column("business_key", String(200), nullable=False),
    Column("step", String(64), nullable=False),
    Column("system", String(64), nullable=False),
    # The record in that system (``purchase.order/17``); an identifier, never content.
    Column("record_ref", String(200), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("trace_id", String(32), nullable=True),
    # Recording the same step of the same key twice (a redelivered event) is a no-op.
    UniqueConstraint("business_key", "step", "record_ref", name="uq_business_events_step"),
    Index("ix_business_events_key", "business_key", "occurred_at"),
)

alert_tickets = Table(
    "alert_tickets",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("alert_key", String(200), nullable=False),
    Column("integration", String(128), nullable=False),
    Column("slo", String(32), nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Index("ix_alert_tickets_key_status", "alert_key", "status"),
)
