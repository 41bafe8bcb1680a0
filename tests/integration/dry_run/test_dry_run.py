"""A dry run replays traffic recorded in a real store, and writes nothing anywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.canonical import OdooChange, Patient
from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.mappings.dry_run import MASK
from healthbridge.mappings.hl7v2 import Hl7Message, parse_message, patient_from_pid
from healthbridge.mappings.odoo import odoo_to_product
from healthbridge.mappings.registry import MappingRegistry, OdooRecord, default_registry
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.security.field_encryption import FieldCipher, FieldEncryptionError
from healthbridge.services.mapping_dry_run import dry_run
from healthbridge.store import ChangeLog, MessageLog, create_store_engine
from tests.unit.mappings.golden.hl7_messages import (
    ADMISSION,
    CHARGES,
    REGISTRATION_V23,
    UPDATE_WITHOUT_NAME,
)

NOW = datetime(2025, 1, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_store_engine(store_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _record(log: MessageLog, *raws: str) -> None:
    for raw in raws:
        message = parse_message(raw)
        added = await log.add(
            sending_application=message.msh.value(3),
            sending_facility=message.msh.value(4),
            control_id=message.control_id,
            message_type=message.message_type,
            trigger_event=message.trigger_event,
            raw=raw.encode(),
            received_at=NOW,
        )
        assert added is not None


def _one_day_later(message: Hl7Message) -> Patient:
    patient = patient_from_pid(message)
    later = patient.birth_date + timedelta(days=1) if patient.birth_date else None
    return patient.model_copy(update={"birth_date": later})


def _registry() -> MappingRegistry:
    registry = default_registry()
    registry.register("hl7v2.patient", "1.1.0", _one_day_later)
    registry.register("hl7v2.patient", "1.0.1", registry.current("hl7v2.patient").function)
    return registry


async def test_a_candidate_that_changes_one_field_is_reported_on_exactly_that_field(
    engine: AsyncEngine,
) -> None:
    log = MessageLog(engine)
    await _record(log, ADMISSION, REGISTRATION_V23, CHARGES, UPDATE_WITHOUT_NAME)
    report = await dry_run(_registry(), "hl7v2.patient", "1.1.0", messages=log)
    assert (report.current_version, report.candidate_version) == ("1.0.0", "1.1.0")
    assert report.replayed == 3
    assert report.identical == 0
    first, second = report.different
    assert [d.path for d in first.differences] == ["birth_date"]
    assert [d.path for d in second.differences] == ["birth_date"]
    difference = next(d for i in report.different for d in i.differences if d.old == "1990-03-14")
    assert difference.new == "1990-03-15"
    assert difference.shown() == (MASK, MASK)
    assert difference.shown(show_values=True) == ("'1990-03-14'", "'1990-03-15'")
    [failed] = report.failed
    assert failed.current_error == failed.candidate_error == "hl7.mapping"


async def test_a_candidate_equal_to_the_current_version_is_identical_on_every_input(
    engine: AsyncEngine,
) -> None:
    log = MessageLog(engine)
    await _record(log, ADMISSION, REGISTRATION_V23)
    report = await dry_run(_registry(), "hl7v2.patient", "1.0.1", messages=log)
    assert (report.replayed, report.identical, report.different, report.failed) == (2, 2, (), ())


async def test_the_limit_bounds_the_inputs_replayed_and_nothing_is_written(
    engine: AsyncEngine,
) -> None:
    log = MessageLog(engine)
    await _record(log, ADMISSION, REGISTRATION_V23, UPDATE_WITHOUT_NAME)
    before = [m.status for m in await log.latest()]
    report = await dry_run(_registry(), "hl7v2.patient", "1.1.0", messages=log, limit=2)
    assert report.replayed == 2
    assert [m.status for m in await log.latest()] == before
    assert len(await log.latest()) == 3


async def test_sealed_messages_replay_like_messages_in_clear(engine: AsyncEngine) -> None:
    cipher = FieldCipher({"k1": bytes(range(32))}, active_key_id="k1")
    await _record(MessageLog(engine), ADMISSION)
    await _record(MessageLog(engine, cipher=cipher), REGISTRATION_V23)
    report = await dry_run(
        _registry(), "hl7v2.patient", "1.1.0", messages=MessageLog(engine, cipher=cipher)
    )
    assert (report.replayed, len(report.different), report.failed) == (2, 2, ())


async def test_a_message_that_does_not_open_stops_the_dry_run_instead_of_failing_a_mapping(
    engine: AsyncEngine,
) -> None:
    sealed_with = FieldCipher({"k1": bytes(range(32))}, active_key_id="k1")
    await _record(MessageLog(engine, cipher=sealed_with), ADMISSION)
    other = MessageLog(engine, cipher=FieldCipher({"k1": bytes(32)}, active_key_id="k1"))
    with pytest.raises(FieldEncryptionError, match="does not open"):
        await dry_run(_registry(), "hl7v2.patient", "1.1.0", messages=other)


def _renamed(record: OdooRecord) -> object:
    product = odoo_to_product(record.row, related=record.related)
    return product.model_copy(update={"manufacturer": "Gondor Medical"})


async def test_an_odoo_dry_run_reads_the_current_rows_of_recorded_changes(
    odoo_sandbox: RunningSandbox, engine: AsyncEngine
) -> None:
    changes = ChangeLog(engine)
    ids = odoo_sandbox.db.execute_kw(2, "product.product", "search", [[]], {"limit": 2}).value
    for record_id in ids:
        await changes.record(
            OdooChange(
                model="product.product",
                record_id=record_id,
                write_date=NOW,
                source="poller",
                observed_at=NOW,
            )
        )
    settings = OdooSettings(
        url=odoo_sandbox.url,
        database=odoo_sandbox.database,
        login="hub-integration",
        api_key=SecretStr(odoo_sandbox.api_keys["hub-integration"]),
    )
    registry = default_registry()
    registry.register("odoo.product", "1.1.0", _renamed)
    client = await OdooClient.connect(settings)
    try:
        report = await dry_run(
            registry, "odoo.product", "1.1.0", changes=changes, odoo=client, limit=10
        )
    finally:
        await client.close()
    assert report.replayed == len(ids) == 2
    assert {i.source for i in report.inputs} == {f"product.product {i}" for i in ids}
    assert len(report.different) == 2
    for item in report.different:
        assert [d.path for d in item.differences] == ["manufacturer"]
        assert item.differences[0].new == "Gondor Medical"
    assert report.failed == ()
    assert await changes.count() == 2
    assert [c.seen_count for c in await changes.latest()] == [1, 1]
