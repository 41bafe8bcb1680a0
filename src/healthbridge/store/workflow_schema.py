"""Tables of the workflows area: human tasks, worker liveness, batch mirrors and reports.

DBOS keeps its own tables (workflow status, steps, messages) in its system database,
never here: by default a separate SQLite file (``dbos.sqlite``), at scale a separate
PostgreSQL database or the ``dbos`` schema (``workflows.system_schema``). These tables
hold only what the hub itself reads and shows.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from healthbridge.store.schema import Identifier, JSONDocument, UTCDateTime, metadata

human_tasks = Table(
    "human_tasks",
    metadata,
    # The workflow chooses the id (workflow id + purpose), so a replayed step finds its task.
    Column("task_id", String(255), primary_key=True),
    Column("workflow_id", String(255), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("title", String(512), nullable=False),
    Column("assignee", String(128), nullable=False),
    Column("state", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("decided_by", String(128), nullable=True),
    Column("reason", Text, nullable=True),
    Column("details", JSONDocument, nullable=False),
    Index("ix_human_tasks_state_due_at", "state", "due_at"),
)

workflow_executors = Table(
    "workflow_executors",
    metadata,
    Column("executor_id", String(128), primary_key=True),
    Column("application_version", String(128), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

batch_mirror = Table(
    "batch_mirror",
    metadata,
    Column("model", String(128), primary_key=True),
    Column("record_id", Identifier, primary_key=True, autoincrement=False),
    Column("record_hash", String(64), nullable=False),
    Column("values", JSONDocument, nullable=False),
    Column("synced_at", UTCDateTime, nullable=False),
)

reconciliation_reports = Table(
    "reconciliation_reports",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    # The batch run's workflow id: re-running the same batch finds its report.
    Column("run_id", String(255), nullable=False, unique=True),
    Column("model", String(128), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("source_count", Integer, nullable=False),
    Column("target_count", Integer, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("difference_count", Integer, nullable=False),
    Column("applied", Integer, nullable=False),
)

reconciliation_differences = Table(
    "reconciliation_differences",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column(
        "report_id",
        Identifier,
        ForeignKey(
            "reconciliation_reports.id",
            name="fk_reconciliation_differences_report_id_reconciliation_reports",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("record_id", Identifier, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source_hash", String(64), nullable=True),
    Column("target_hash", String(64), nullable=True),
    Column("source_values", JSONDocument, nullable=True),
    Column("target_values", JSONDocument, nullable=True),
    Index("ix_reconciliation_differences_report_id", "report_id"),
)
