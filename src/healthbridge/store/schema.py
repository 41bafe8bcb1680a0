"""The store's tables, described once for the repositories and for Alembic's autogenerate.

The migrations in ``migrations/versions`` are the source of truth for what exists in a
database; these definitions must match them, and a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in as aware UTC and always comes back as aware UTC.

    SQLite has no time zone type and hands back naive values; storing naive UTC there and
    re-attaching UTC on the way out makes both backends return the same thing.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")
"""JSON everywhere, JSONB on PostgreSQL so it can be compared and measured in SQL."""

Identifier = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit key; INTEGER on SQLite, the only type that aliases the autoincrementing rowid."""

odoo_changes = Table(
    "odoo_changes",
    metadata,
    Column("id", Identifier, primary_key=True, autoincrement=True),
    Column("model", String(128), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("write_date", UTCDateTime, nullable=False),
    Column("changed_fields", JSONDocument, nullable=False),
    # A bit set of the sources that saw the change (1 webhook, 2 poller): merged with OR.
    Column("sources", Integer, nullable=False),
    Column("seen_count", Integer, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("model", "record_id", "write_date", name="uq_odoo_changes_key"),
    Index("ix_odoo_changes_model_id", "model", "id"),
)

capture_watermarks = Table(
    "capture_watermarks",
    metadata,
    Column("model", String(128), primary_key=True),
    Column("write_date", UTCDateTime, nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
