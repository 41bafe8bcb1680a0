"""An inbound HL7 service wired to a real sandbox over HTTP and a real migrated store.

The message log seals raw messages with a field-encryption key, as the hub's does, so
every inbound test also runs through encryption at rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.connectors.odoo import OdooClient
from healthbridge.core.settings import OdooSettings
from healthbridge.sandbox.odoo import RunningSandbox
from healthbridge.security.field_encryption import FieldCipher
from healthbridge.services.hl7_inbound import Hl7Inbound
from healthbridge.store import create_store_engine
from healthbridge.store.messages import MessageLog


@dataclass
class Wired:
    """The service under test and the peers to inspect."""

    inbound: Hl7Inbound
    messages: MessageLog
    sandbox: RunningSandbox
    engine: AsyncEngine
    cipher: FieldCipher
    odoo: OdooClient

    def orm(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Read Odoo state straight from the sandbox database, as its admin."""
        return self.sandbox.db.execute_kw(2, model, method, list(args), kwargs).value


@pytest.fixture
async def wired(odoo_sandbox: RunningSandbox, store_url: str) -> AsyncIterator[Wired]:
    settings = OdooSettings(
        url=odoo_sandbox.url,
        database=odoo_sandbox.database,
        login="hub-integration",
        api_key=SecretStr(odoo_sandbox.api_keys["hub-integration"]),
        # One attempt, so an injected fault reaches the service instead of being retried.
        retry_attempts=1,
    )
    engine = create_store_engine(store_url)
    client = await OdooClient.connect(settings)
    try:
        cipher = FieldCipher({"k1": bytes(range(32))}, active_key_id="k1")
        messages = MessageLog(engine, cipher=cipher)
        yield Wired(Hl7Inbound(client, messages), messages, odoo_sandbox, engine, cipher, client)
    finally:
        await client.close()
        await engine.dispose()


@pytest.fixture
def hl7_file(shared_data: Path):
    def read(name: str) -> bytes:
        return (shared_data / "hl7v2" / name).read_bytes()

    return read
