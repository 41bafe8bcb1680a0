"""Tables for human tasks, worker liveness, batch mirrors and reconciliation reports.

DBOS's own tables live in its system database (workflows.system_database_url), not here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_when = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "human_tasks",
        sa.Column("task_id", sa.String(255), nullable=False),
        sa.Column("workflow_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
        sa.Column("assignee", sa.String(128), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", _when, nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("escalated_at", _when, nullable=True),
        sa.Column("decided_at", _when, nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", _json, nullable=False),
        sa.PrimaryKeyConstraint("task_id", name="pk_human_tasks"),
    )
    op.create_index("ix_human_tasks_state_due_at", "human_tasks", ["state", "due_at"])
    op.create_table(
        "workflow_executors",
        sa.Column("executor_id", sa.String(128), nullable=False),
        sa.Column("application_version", sa.String(128), nullable=False),
        sa.Column("started_at", _when, nullable=False),
        sa.Column("last_seen_at", _when, nullable=False),
        sa.PrimaryKeyConstraint("executor_id", name="pk_workflow_executors"),
    )
    op.create_table(
        "batch_mirror",
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("record_id", _id, nullable=False, autoincrement=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("values", _json, nullable=False),
        sa.Column("synced_at", _when, nullable=False),
        sa.PrimaryKeyConstraint("model", "record_id", name="pk_batch_mirror"),
    )
    op.create_table(
        "reconciliation_reports",
        sa.Column("id", _id, nullable=False, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("started_at", _when, nullable=False),
        sa.Column("finished_at", _when, nullable=False),
        sa.Column("source_count", sa.Integer(), nullable=False),
        sa.Column("target_count", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("difference_count", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reconciliation_reports"),
        sa.UniqueConstraint("run_id", name="uq_reconciliation_reports_run_id"),
    )
    op.create_table(
        "reconciliation_differences",
        sa.Column("id", _id, nullable=False, autoincrement=True),
        sa.Column("report_id", _id, nullable=False),
        sa.Column("record_id", _id, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=True),
        sa.Column("target_hash", sa.String(64), nullable=True),
        sa.Column("source_values", _json, nullable=True),
        sa.Column("target_values", _json, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_reconciliation_differences"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reconciliation_reports.id"],
            name="fk_reconciliation_differences_report_id_reconciliation_reports",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_reconciliation_differences_report_id", "reconciliation_differences", ["report_id"]
    )


def downgrade() -> None:
    op.drop_index(
        "ix_reconciliation_differences_report_id", table_name="reconciliation_differences"
    )
    op.drop_table("reconciliation_differences")
    op.drop_table("reconciliation_reports")
    op.drop_table("batch_mirror")
    op.drop_table("workflow_executors")
    op.drop_index("ix_human_tasks_state_due_at", table_name="human_tasks")
    op.drop_table("human_tasks")
