"""Tables for the applied catalog state, apply revisions and approvals.

``governance_resources`` is what the hub runs, one row per (kind, name), replaced as a
whole by each apply in one transaction together with its ``governance_revisions`` row,
so a failed apply leaves the previous state in force. Approvals are bound to a plan
item's hash: the unique index stops one role approving the same change twice.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from healthbridge.store.schema import Identifier, JSONDocument, UTCDateTime, metadata

governance_revisions = Table(
    "governance_revisions",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("catalog_hash", String(64), nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
    Column("applied_by", String(128), nullable=False),
    Column("added", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("removed", Integer, nullable=False),
)

governance_resources = Table(
    "governance_resources",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("document", JSONDocument, nullable=False),
    Column("resource_hash", String(64), nullable=False),
    Column("revision", Identifier, nullable=False),
    Column("applied_at", UTCDateTime, nullable=False),
    Column("applied_by", String(128), nullable=False),
)

governance_approvals = Table(
    "governance_approvals",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("change_id", String(200), nullable=False),
    Column("item_hash", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("approved_by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("approved_at", UTCDateTime, nullable=False),
    UniqueConstraint("item_hash", "role", name="uq_governance_approvals_item_role"),
    Index("ix_governance_approvals_change_id", "change_id"),
)
