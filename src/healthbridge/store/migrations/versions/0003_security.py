"""Tables for clients, signing keys, the hash-chained audit log and idempotency records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_when = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "gateway_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("environment", sa.String(8), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("previous_secret_hash", sa.String(255), nullable=True),
        sa.Column("previous_secret_expires_at", _when, nullable=True),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("updated_at", _when, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_gateway_clients"),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("private_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("retires_at", _when, nullable=True),
        sa.PrimaryKeyConstraint("kid", name="pk_signing_keys"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", _id, autoincrement=False, nullable=False),
        sa.Column("at", _when, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("route", sa.String(512), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("principal_kind", sa.String(8), nullable=True),
        sa.Column("acting_user", sa.String(255), nullable=True),
        sa.Column("environment", sa.String(8), nullable=True),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_client_id_seq", "audit_log", ["client_id", "seq"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "idempotency_records",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("expires_at", _when, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name="pk_idempotency_records"),
    )
    op.create_index("ix_idempotency_records_expires_at", "idempotency_records", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_records_expires_at", table_name="idempotency_records")
    op.drop_table("idempotency_records")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_client_id_seq", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("signing_keys")
    op.drop_table("gateway_clients")
