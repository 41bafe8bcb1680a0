"""Change capture: the collapsed change log and the poller's watermarks.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "odoo_changes",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("write_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_fields", _json, nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("seen_count", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_odoo_changes"),
        sa.UniqueConstraint("model", "record_id", "write_date", name="uq_odoo_changes_key"),
    )
    op.create_index("ix_odoo_changes_model_id", "odoo_changes", ["model", "id"])
    op.create_table(
        "capture_watermarks",
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("write_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("model", name="pk_capture_watermarks"),
    )


def downgrade() -> None:
    op.drop_table("capture_watermarks")
    op.drop_index("ix_odoo_changes_model_id", table_name="odoo_changes")
    op.drop_table("odoo_changes")
