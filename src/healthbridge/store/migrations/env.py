"""Alembic's entry point, run by ``healthbridge.store.migrate.upgrade`` on a live connection.

``upgrade`` hands over a connection that is already inside a transaction and holds the
migration lock, so this script only configures the context and runs the revisions; there
is no offline (``--sql``) mode and no alembic.ini.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from healthbridge.store.tables import metadata


def run_migrations_online() -> None:
    """Run every pending revision on the connection ``upgrade`` provided."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise TypeError("run store migrations with healthbridge.store.migrate.upgrade(url)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
