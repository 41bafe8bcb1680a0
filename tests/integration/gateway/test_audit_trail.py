"""Every call lands in the hash-chained audit log; tampering with a row is found."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from healthbridge.cli.audit_cmd import EXIT_TAMPERED
from healthbridge.cli.audit_cmd import app as audit_cli
from healthbridge.core.clock import utc_now
from healthbridge.gateway.audit import AuditMiddleware, AuditTrail
from healthbridge.gateway.route_templates import RouteTemplates
from healthbridge.security.audit_chain import AuditRecord, chain_hash
from healthbridge.store.audit_log import AuditLog
from healthbridge.store.engine import create_store_engine
from tests.integration.gateway.conftest import bearer


@pytest.fixture
def gateway_store_url(store_url: str) -> str:
    """The chain is kept by SQL under a database lock: run on SQLite and PostgreSQL."""
    return store_url


async def test_calls_are_audited_with_client_route_status_records_and_trace(http, token, runtime):
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    await http.post(
        "/api/v1/things",
        json={"ref": "a"},
        headers={**bearer(token), "Idempotency-Key": "a-1", "traceparent": traceparent},
    )
    await http.get("/api/v1/things/secret-mrn-123", headers=bearer(token))
    await http.get("/api/v1/things/a")
    await http.get("/healthz")
    await runtime.audit.flush()

    entries = await runtime.audit.log.entries()

    assert [(e.record.method, e.record.route, e.record.status) for e in entries] == [
        ("POST", "/api/v1/things", 201),
        ("GET", "/api/v1/things/{ref}", 200),
        ("GET", "/api/v1/things/{ref}", 401),
    ]
    write = entries[0].record
    principal = await runtime.verifier.verify(token)
    assert write.client_id == principal.client_id
    assert write.principal_kind == "client"
    assert write.records == ("purchase.order:1",)
    assert write.trace_id == "0af7651916cd43dd8448eb211c80319c"
    assert write.outcome == "ok"
    assert entries[2].record.outcome == "denied"
    assert entries[2].record.client_id is None
    assert all("secret-mrn" not in e.record.route for e in entries)
    assert (await runtime.audit.log.verify()).intact


async def test_a_user_acting_through_a_client_is_named_apart_from_it(http, mint, register, runtime):
    client_id, _ = await register()
    token = mint(client_id, sub="nurse.jones", hb_kind="user")

    await http.get("/api/v1/things/a", headers=bearer(token))
    await runtime.audit.flush()

    (entry,) = await runtime.audit.log.entries()
    assert (entry.record.client_id, entry.record.principal_kind, entry.record.user) == (
        client_id,
        "user",
        "nurse.jones",
    )


async def append_some(url: str, count: int) -> None:
    engine = create_store_engine(url)
    try:
        log = AuditLog(engine)
        for index in range(count):
            await log.append(
                [
                    AuditRecord(
                        at=utc_now(),
                        method="GET",
                        route=f"/api/v1/things/{{ref}}#{index}",
                        status=200,
                        outcome="ok",
                        trace_id=f"{index:032x}",
                        client_id="c1",
                    )
                ]
            )
    finally:
        await engine.dispose()


async def tamper(url: str, statement: str) -> None:
    engine = create_store_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def cli_verify(url: str, tmp_path, monkeypatch) -> tuple[int, str]:
    monkeypatch.setenv("HEALTHBRIDGE_STORE__URL", url)
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(audit_cli, ["verify"])
    return result.exit_code, result.output


class TestTampering:
    async def test_an_untouched_chain_verifies(self, store_url, tmp_path, monkeypatch):
        await append_some(store_url, 5)

        code, output = await asyncio.to_thread(cli_verify, store_url, tmp_path, monkeypatch)

        assert code == 0, output
        assert "5 entries verified" in output

    async def test_a_changed_row_is_named(self, store_url, tmp_path, monkeypatch):
        await append_some(store_url, 5)
        await tamper(store_url, "UPDATE audit_log SET status = 403 WHERE seq = 3")

        code, output = await asyncio.to_thread(cli_verify, store_url, tmp_path, monkeypatch)
        result = await self.verify(store_url)

        assert code == EXIT_TAMPERED
        assert "entry 3" in output
        assert (result.checked, result.broken.seq) == (2, 3)

    async def test_a_deleted_row_is_named(self, store_url):
        await append_some(store_url, 5)
        await tamper(store_url, "DELETE FROM audit_log WHERE seq = 2")

        result = await self.verify(store_url)

        assert result.broken.seq == 2
        assert "missing" in result.broken.reason

    async def test_a_row_rechained_after_an_edit_breaks_the_link_of_the_next(self, store_url):
        await append_some(store_url, 4)
        entries = await self.entries(store_url)
        edited = replace(entries[1].record, status=500)
        forged = chain_hash(entries[1].previous_hash, edited.document(2))
        await tamper(
            store_url, f"UPDATE audit_log SET status = 500, hash = '{forged}' WHERE seq = 2"
        )

        result = await self.verify(store_url)

        assert result.broken.seq == 3
        assert "link" in result.broken.reason

    @staticmethod
    async def entries(url: str):
        engine = create_store_engine(url)
        try:
            return await AuditLog(engine).entries()
        finally:
            await engine.dispose()

    @staticmethod
    async def verify(url: str):
        engine = create_store_engine(url)
        try:
            return await AuditLog(engine).verify()
        finally:
            await engine.dispose()


async def test_concurrent_writers_keep_one_unbroken_chain(store_url):
    await asyncio.gather(*(append_some(store_url, 10) for _ in range(4)))

    result = await TestTampering.verify(store_url)

    assert (result.checked, result.broken) == (40, None)


class CountingLog(AuditLog):
    """The real audit log, noting the size of every batch it is asked to append."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        self.batches: list[int] = []
        self.appended = asyncio.Event()

    async def append(self, records):
        seq = await super().append(records)
        self.batches.append(len(records))
        self.appended.set()
        return seq

    async def until_written(self, count: int) -> None:
        while sum(self.batches) < count:
            self.appended.clear()
            await self.appended.wait()


def trickled(index: int) -> AuditRecord:
    return AuditRecord(
        at=utc_now(),
        method="GET",
        route="/api/v1/inventory/availability",
        status=200,
        outcome="ok",
        trace_id=f"{index:032x}",
        client_id="c1",
    )


async def test_records_trickling_in_are_written_together_and_a_flush_does_not_wait(store_url):
    engine = create_store_engine(store_url)
    log = CountingLog(engine)
    trail = AuditTrail(log, queue_size=100, batch_size=50, flush_seconds=30)
    trail.start()
    try:
        for index in range(20):  # one at a time, as requests finish under load
            await trail.add(trickled(index))
            await asyncio.sleep(0)
        started = asyncio.get_running_loop().time()
        await trail.flush()
        flushed_in = asyncio.get_running_loop().time() - started

        assert flushed_in < 10  # far from the 30 s pause: a flush ends it
        assert sum(log.batches) == 20
        assert len(log.batches) <= 2  # not a transaction per record
        assert (await log.verify()).checked == 20
    finally:
        await trail.stop()
        await engine.dispose()


async def test_a_full_batch_is_written_without_waiting_for_the_pause(store_url):
    engine = create_store_engine(store_url)
    log = CountingLog(engine)
    trail = AuditTrail(log, queue_size=100, batch_size=10, flush_seconds=30)
    trail.start()
    try:
        for index in range(10):
            await trail.add(trickled(index))
        async with asyncio.timeout(10):  # far from the 30 s pause
            await log.until_written(10)

        assert (await log.verify()).checked == 10
    finally:
        await trail.stop()
        await engine.dispose()


class StalledLog(AuditLog):
    """The real audit log, holding every batch until the test lets it through."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        self.open = asyncio.Event()

    async def append(self, records):
        await self.open.wait()
        return await super().append(records)


async def test_when_the_store_is_behind_the_answer_waits_instead_of_requests_piling_up(
    store_url,
):
    async def ok(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    engine = create_store_engine(store_url)
    log = StalledLog(engine)
    trail = AuditTrail(log, queue_size=1, batch_size=1, flush_seconds=0.01)
    app = AuditMiddleware(
        ok, trail=trail, environment="dev", skip=frozenset(), templates=RouteTemplates(list)
    )
    answered: list[int] = []

    async def call(number: int) -> None:
        scope = {"type": "http", "method": "GET", "path": f"/api/v1/things/{number}",
                 "headers": [], "state": {}}  # fmt: skip

        async def send(message):
            if message["type"] == "http.response.start":
                answered.append(number)

        await app(scope, None, send)

    trail.start()
    try:
        await call(1)  # taken by the writer, which the store holds
        await asyncio.sleep(0.05)
        await call(2)  # fills the queue
        third = asyncio.create_task(call(3))
        await asyncio.sleep(0.3)
        assert answered == [1, 2]  # the third answer waits for room in the audit

        log.open.set()
        async with asyncio.timeout(10):
            await third
        await trail.flush()
        assert answered == [1, 2, 3]
        assert (await log.verify()).checked == 3
    finally:
        log.open.set()
        await trail.stop()
        await engine.dispose()
