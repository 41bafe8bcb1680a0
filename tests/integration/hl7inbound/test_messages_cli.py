"""``healthbridge messages``: show and reprocess read messages sealed with the hub's key."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from healthbridge.bootstrap import open_store
from healthbridge.cli import messages_cmd
from healthbridge.core import load_settings
from healthbridge.mappings.hl7v2 import parse_message
from healthbridge.store.message_schema import hl7_messages

runner = CliRunner()


async def _record(raw: bytes) -> bytes:
    """Store ``raw`` as the listener would, then return the column as the database holds it."""
    settings = load_settings()
    message = parse_message(raw)
    async with open_store(settings) as store:
        log = messages_cmd.message_log(settings, store.engine)
        message_id = await log.add(
            sending_application="ADTApp",
            sending_facility="FAC",
            control_id=message.control_id,
            message_type=message.message_type,
            trigger_event=message.trigger_event,
            raw=raw,
            received_at=datetime(2025, 1, 2, tzinfo=UTC),
        )
        query = select(hl7_messages.c.raw).where(hl7_messages.c.id == message_id)
        async with store.engine.connect() as connection:
            return bytes((await connection.execute(query)).scalar_one())


@pytest.fixture
def hub_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEALTHBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("HEALTHBRIDGE_ODOO__URL", raising=False)
    return tmp_path


def test_show_raw_prints_the_message_the_database_holds_only_sealed(
    hub_dir: Path, hl7_file
) -> None:
    raw = hl7_file("adt_a28_01.hl7")
    column = asyncio.run(_record(raw))

    result = runner.invoke(messages_cmd.app, ["show", "1", "--raw"], terminal_width=200)

    assert result.exit_code == 0, result.output
    assert column.startswith(b"hbenc:v1:local:")
    assert b"PATID1234" not in column
    assert "PATID1234" in result.output
    assert (hub_dir / "keys" / "local.key").is_file()


def test_show_raw_with_another_key_fails_with_the_encryption_code_and_no_phi(
    hub_dir: Path, hl7_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_record(hl7_file("adt_a28_01.hl7")))
    other = base64.b64encode(bytes(32)).decode()
    monkeypatch.setenv("HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS", json.dumps({"local": other}))

    metadata = runner.invoke(messages_cmd.app, ["show", "1"], terminal_width=200)
    opened = runner.invoke(messages_cmd.app, ["show", "1", "--raw"], terminal_width=200)

    assert metadata.exit_code == 0, metadata.output
    assert opened.exit_code == 1
    assert "security.field_encryption" in opened.output
    assert "message 1 does not open" in opened.output
    assert "PATID1234" not in opened.output


def test_reprocess_applies_a_sealed_message_from_its_raw_bytes(hub_dir: Path, hl7_file) -> None:
    asyncio.run(_record(hl7_file("adt_a28_01.hl7")))

    result = runner.invoke(messages_cmd.app, ["reprocess", "1"], terminal_width=200)

    assert result.exit_code == 0, result.output
    assert "MSA|AA|" in result.output
    listed = runner.invoke(messages_cmd.app, ["list"], terminal_width=200)
    assert "accepted" in listed.output
