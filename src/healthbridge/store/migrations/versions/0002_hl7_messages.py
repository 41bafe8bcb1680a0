"""Inbound HL7 v2 messages, kept exactly as received with their status and ACK.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hl7_messages",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("sending_application", sa.String(227), nullable=True),
        sa.Column("sending_facility", sa.String(227), nullable=True),
        sa.Column("control_id", sa.String(199), nullable=True),
        sa.Column("message_type", sa.String(3), nullable=True),
        sa.Column("trigger_event", sa.String(3), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ack", sa.LargeBinary(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reprocessed_from", _id, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hl7_messages"),
        sa.ForeignKeyConstraint(
            ["reprocessed_from"],
            ["hl7_messages.id"],
            name="fk_hl7_messages_reprocessed_from_hl7_messages",
        ),
    )
    op.create_index("ix_hl7_messages_status_id", "hl7_messages", ["status", "id"])
    original = sa.text("reprocessed_from IS NULL")
    op.create_index(
        "uq_hl7_messages_key",
        "hl7_messages",
        ["sending_application", "sending_facility", "control_id"],
        unique=True,
        sqlite_where=original,
        postgresql_where=original,
    )


def downgrade() -> None:
    op.drop_index("uq_hl7_messages_key", table_name="hl7_messages")
    op.drop_index("ix_hl7_messages_status_id", table_name="hl7_messages")
    op.drop_table("hl7_messages")
