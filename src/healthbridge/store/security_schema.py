"""Tables of the gateway's security: clients, signing keys, audit trail, idempotency.

Registered on the store's shared ``metadata`` so Alembic compares one schema.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from healthbridge.store.schema import Identifier, UTCDateTime, metadata

gateway_clients = Table(
    "gateway_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("environment", String(8), nullable=False),
    Column("purpose", String(64), nullable=True),
    Column("enabled", Boolean, nullable=False),
    # argon2id hashes only; the secret itself is shown once at creation and never kept.
    Column("secret_hash", String(255), nullable=False),
    Column("previous_secret_hash", String(255), nullable=True),
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("algorithm", String(16), nullable=False),
    # The private JWK, sealed with AES-256-GCM when gateway.key_encryption_secret is set.
    Column("private_jwk", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("retires_at", UTCDateTime, nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    # Assigned by the appender under its lock: the chain needs gapless, ordered numbers.
    Column("seq", Identifier, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("method", String(16), nullable=False),
    Column("route", String(512), nullable=False),
    Column("status", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("trace_id", String(32), nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("principal_kind", String(8), nullable=True),
    Column("acting_user", String(255), nullable=True),
    Column("environment", String(8), nullable=True),
    Column("records", JSON, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_client_id_seq", "client_id", "seq"),
    Index("ix_audit_log_at", "at"),
)

idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("client_id", String(64), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("status", Integer, nullable=True),
    Column("headers", JSON, nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("client_id", "key", name="pk_idempotency_records"),
    Index("ix_idempotency_records_expires_at", "expires_at"),
)
