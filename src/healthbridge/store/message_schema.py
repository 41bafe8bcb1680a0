"""The inbound HL7 v2 message log table, on the store's shared ``MetaData``.

Kept apart from ``schema.py`` so the message log can grow without touching change
capture; registering on the same ``metadata`` keeps one schema for Alembic to compare.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from healthbridge.store.schema import Identifier, UTCDateTime, metadata

MESSAGE_STATUSES = ("received", "accepted", "error", "rejected")
"""A message's life: stored on arrival, then accepted (AA), error (AE) or rejected (AR)."""

hl7_messages = Table(
    "hl7_messages",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("sending_application", String(227), nullable=True),
    Column("sending_facility", String(227), nullable=True),
    Column("control_id", String(199), nullable=True),
    Column("message_type", String(3), nullable=True),
    Column("trigger_event", String(3), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    # Exactly the bytes received, never decoded: a reprocess starts from these.
    Column("raw", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("ack", LargeBinary, nullable=True),
    Column("error_code", String(64), nullable=True),
    Column("error_text", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column(
        "reprocessed_from",
        Identifier,
        ForeignKey("hl7_messages.id", name="fk_hl7_messages_reprocessed_from_hl7_messages"),
        nullable=True,
    ),
    Index("ix_hl7_messages_status_id", "status", "id"),
)

# The dedupe key holds among messages as received; a reprocess attempt is a row linked
# to its original (``reprocessed_from``) with the same key, so the index is partial.
_ORIGINAL = hl7_messages.c.reprocessed_from.is_(None)
Index(
    "uq_hl7_messages_key",
    hl7_messages.c.sending_application,
    hl7_messages.c.sending_facility,
    hl7_messages.c.control_id,
    unique=True,
    sqlite_where=_ORIGINAL,
    postgresql_where=_ORIGINAL,
)
