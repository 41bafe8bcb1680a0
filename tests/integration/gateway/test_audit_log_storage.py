"""The audit log's own INSERT stores exactly what SQLAlchemy's generic insert would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from healthbridge.security.audit_chain import AuditRecord
from healthbridge.store.audit_log import AuditLog
from healthbridge.store.engine import create_store_engine
from healthbridge.store.security_schema import audit_log

RECORD = AuditRecord(
    at=datetime(2026, 11, 25, 1, 2, 3, 456789, tzinfo=timezone(timedelta(hours=2))),
    method="GET",
    route="/api/v1/partners/{system}/{value}",
    status=404,
    outcome="refused",
    trace_id="ab" * 16,
    client_id="hbc_0123",
    principal_kind="user",
    user='nurse "é"',
    environment="dev",
    records=("res.partner:7", 'Patient/"q"'),
)


async def test_an_entry_is_stored_as_sqlalchemys_own_insert_stores_it(store_url):
    engine = create_store_engine(store_url)
    try:
        log = AuditLog(engine)
        await log.append([RECORD])
        [written] = await log.entries()
        async with engine.begin() as connection:
            await connection.execute(
                audit_log.insert(),
                [
                    {
                        "seq": 2,
                        "at": RECORD.at,
                        "method": RECORD.method,
                        "route": RECORD.route,
                        "status": RECORD.status,
                        "outcome": RECORD.outcome,
                        "trace_id": RECORD.trace_id,
                        "client_id": RECORD.client_id,
                        "principal_kind": RECORD.principal_kind,
                        "acting_user": RECORD.user,
                        "environment": RECORD.environment,
                        "records": list(RECORD.records),
                        "previous_hash": written.previous_hash,
                        "hash": written.hash,
                    }
                ],
            )
            raw = (await connection.exec_driver_sql("SELECT * FROM audit_log ORDER BY seq")).all()

        ours, theirs = (tuple(row)[1:] for row in raw)  # all but seq
        assert ours == theirs
        assert written.record == AuditRecord(**{**_fields(RECORD), "at": RECORD.at.astimezone(UTC)})
    finally:
        await engine.dispose()


async def test_a_batch_is_chained_in_order_and_verifies(store_url):
    engine = create_store_engine(store_url)
    try:
        log = AuditLog(engine)
        batch = [
            AuditRecord(**{**_fields(RECORD), "status": 200 + i, "records": ()}) for i in range(5)
        ]

        assert await log.append(batch[:2]) == 2
        assert await log.append(batch[2:]) == 5

        entries = await log.entries()
        assert [e.record.status for e in entries] == [200, 201, 202, 203, 204]
        assert [e.previous_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
        assert (await log.verify()).intact
    finally:
        await engine.dispose()


def _fields(record: AuditRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in AuditRecord.__slots__}
