"""Tables for applied catalog state, apply revisions and approvals.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "governance_revisions",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("catalog_hash", sa.String(64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(128), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_governance_revisions"),
    )
    op.create_table(
        "governance_resources",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("document", _json, nullable=False),
        sa.Column("resource_hash", sa.String(64), nullable=False),
        sa.Column("revision", _id, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("kind", "name", name="pk_governance_resources"),
    )
    op.create_table(
        "governance_approvals",
        sa.Column("id", _id, primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(200), nullable=False),
        sa.Column("item_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("approved_by", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_governance_approvals"),
        sa.UniqueConstraint("item_hash", "role", name="uq_governance_approvals_item_role"),
    )
    op.create_index("ix_governance_approvals_change_id", "governance_approvals", ["change_id"])


def downgrade() -> None:
    op.drop_index("ix_governance_approvals_change_id", table_name="governance_approvals")
    op.drop_table("governance_approvals")
    op.drop_table("governance_resources")
    op.drop_table("governance_revisions")
