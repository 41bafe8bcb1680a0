"""Observability: SLI samples per minute, business-transaction events, alert tickets.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sli_samples",
        sa.Column("integration", sa.String(128), nullable=False),
        sa.Column("slo", sa.String(32), nullable=False),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("good", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("integration", "slo", "minute", name="pk_sli_samples"),
    )
    op.create_index("ix_sli_samples_minute", "sli_samples", ["minute"])
    op.create_table(
        "business_events",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("business_key", sa.String(200), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("system", sa.String(64), nullable=False),
        sa.Column("record_ref", sa.String(200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_business_events"),
        sa.UniqueConstraint("business_key", "step", "record_ref", name="uq_business_events_step"),
    )
    op.create_index("ix_business_events_key", "business_events", ["business_key", "occurred_at"])
    op.create_table(
        "alert_tickets",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("alert_key", sa.String(200), nullable=False),
        sa.Column("integration", sa.String(128), nullable=False),
        sa.Column("slo", sa.String(32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_tickets"),
    )
    op.create_index("ix_alert_tickets_key_status", "alert_tickets", ["alert_key", "status"])


def downgrade() -> None:
    op.drop_index("ix_alert_tickets_key_status", table_name="alert_tickets")
    op.drop_table("alert_tickets")
    op.drop_index("ix_business_events_key", table_name="business_events")
    op.drop_table("business_events")
    op.drop_index("ix_sli_samples_minute", table_name="sli_samples")
    op.drop_table("sli_samples")
