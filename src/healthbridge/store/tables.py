"""Every table of the store on one ``MetaData``, for Alembic and the schema tests.

Each area keeps its tables in its own ``*_schema.py`` module; importing them here
registers them all, so the migration environment compares against the whole schema and
a table added without a migration fails the migration test.
"""

from __future__ import annotations

from healthbridge.store import (  # noqa: F401 - imported for their tables
    event_log,
    events_schema,
    governance_schema,
    message_schema,
    read_model_schema,
    security_schema,
    slo_schema,
    webhook_schema,
    workflow_schema,
)
from healthbridge.store.schema import metadata

__all__ = ["metadata"]
