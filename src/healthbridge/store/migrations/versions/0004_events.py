"""Tables for event subscriptions, failed attempts, the dead-letter store and relay cursors.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "event_subscriptions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("event_types", _json, nullable=False),
        sa.Column("scopes", _json, nullable=False),
        sa.Column("max_deliveries", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_event_subscriptions"),
    )
    op.create_table(
        "event_failures",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("subscription", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_failures"),
    )
    op.create_index(
        "ix_event_failures_delivery",
        "event_failures",
        ["subscription", "stream", "stream_seq"],
    )
    op.create_table(
        "event_dead_letters",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("subscription", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(128), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("headers", _json, nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("errors", _json, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dead_lettered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("redriven_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redrive_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_dead_letters"),
        sa.UniqueConstraint(
            "subscription", "stream", "stream_seq", name="uq_event_dead_letters_delivery"
        ),
    )
    op.create_index("ix_event_dead_letters_status_id", "event_dead_letters", ["status", "id"])
    op.create_table(
        "event_relay_cursors",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_event_relay_cursors"),
    )


def downgrade() -> None:
    op.drop_table("event_relay_cursors")
    op.drop_index("ix_event_dead_letters_status_id", table_name="event_dead_letters")
    op.drop_table("event_dead_letters")
    op.drop_index("ix_event_failures_delivery", table_name="event_failures")
    op.drop_table("event_failures")
    op.drop_table("event_subscriptions")
