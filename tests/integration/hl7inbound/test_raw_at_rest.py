"""Raw HL7 messages are PHI: the store holds them sealed, and only the right key opens them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from healthbridge.mappings.hl7v2 import parse_message
from healthbridge.security.field_encryption import FieldCipher, FieldEncryptionError
from healthbridge.store.message_schema import hl7_messages
from healthbridge.store.messages import MessageLog


def msa(ack: bytes) -> str:
    return parse_message(ack, require_header=False).get("MSA-1")


async def stored_column(wired, message_id: int) -> bytes:
    """The ``raw`` column exactly as the database holds it, read past the message log."""
    query = select(hl7_messages.c.raw).where(hl7_messages.c.id == message_id)
    async with wired.engine.connect() as connection:
        return bytes((await connection.execute(query)).scalar_one())


async def add_in_clear(wired, raw: bytes, control_id: str) -> int:
    """A row as the log wrote it before encryption: no key, the bytes as received."""
    message_id = await MessageLog(wired.engine).add(
        sending_application="EHR",
        sending_facility="FAC",
        control_id=control_id,
        message_type="ADT",
        trigger_event="A28",
        raw=raw,
        received_at=datetime(2025, 1, 2, tzinfo=UTC),
    )
    assert message_id is not None
    return message_id


class TestSealedAtRest:
    async def test_the_database_holds_ciphertext_and_no_name_or_identifier_of_the_patient(
        self, wired, hl7_file
    ):
        raw = hl7_file("adt_a01_01.hl7")
        assert msa(await wired.inbound.handle(raw)) == "AA"
        [stored] = await wired.messages.latest()

        column = await stored_column(wired, stored.id)

        assert column.startswith(b"hbenc:v1:k1:")
        assert column != raw
        for plain in (b"EVERYMAN", b"PATID1234", b"MSH|", b"PID|"):
            assert plain not in column
        assert stored.sealed
        assert stored.raw == raw

    async def test_a_rejected_message_is_sealed_too(self, wired, hl7_file):
        raw = hl7_file("oru_r01_01.hl7")
        assert msa(await wired.inbound.handle(raw)) == "AR"
        [stored] = await wired.messages.latest()

        assert (await stored_column(wired, stored.id)).startswith(b"hbenc:v1:")
        assert stored.raw == raw

    async def test_reprocess_opens_the_sealed_original_and_seals_its_attempt(self, wired, hl7_file):
        raw = hl7_file("adt_a28_01.hl7")
        wired.sandbox.faults.fail("server_error", model="res.partner", count=1)
        assert msa(await wired.inbound.handle(raw)) == "AE"
        [original] = await wired.messages.latest()

        assert msa(await wired.inbound.reprocess(original.id)) == "AA"

        [attempt] = [m for m in await wired.messages.latest() if m.reprocessed_from]
        assert attempt.raw == raw
        assert (await stored_column(wired, attempt.id)).startswith(b"hbenc:v1:k1:")
        assert (await wired.messages.get(original.id)).status == "accepted"

    async def test_ciphertext_copied_into_another_row_does_not_open(self, wired, hl7_file):
        assert msa(await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))) == "AA"
        assert msa(await wired.inbound.handle(hl7_file("adt_a04_02.hl7"))) == "AA"
        second, first = await wired.messages.latest()
        async with wired.engine.begin() as connection:
            await connection.execute(
                update(hl7_messages)
                .where(hl7_messages.c.id == second.id)
                .values(raw=await stored_column(wired, first.id))
            )

        moved = await wired.messages.get(second.id)
        with pytest.raises(FieldEncryptionError, match="belongs to another record"):
            _ = moved.raw


class TestRowsWrittenBeforeEncryption:
    async def test_a_row_in_clear_still_reads_as_received(self, wired, hl7_file):
        raw = hl7_file("adt_a28_01.hl7")
        message_id = await add_in_clear(wired, raw, "OLD-1")

        stored = await wired.messages.get(message_id)

        assert await stored_column(wired, message_id) == raw
        assert not stored.sealed
        assert stored.raw == raw

    async def test_a_row_in_clear_reprocesses_and_its_attempt_is_sealed(self, wired, hl7_file):
        raw = hl7_file("adt_a28_01.hl7")
        message_id = await add_in_clear(wired, raw, "OLD-2")

        assert msa(await wired.inbound.reprocess(message_id)) == "AA"

        [attempt] = [m for m in await wired.messages.latest() if m.reprocessed_from]
        assert attempt.raw == raw
        assert (await stored_column(wired, attempt.id)).startswith(b"hbenc:v1:")


class TestKeys:
    async def test_a_different_key_under_the_same_id_fails_with_a_clear_error(
        self, wired, hl7_file
    ):
        assert msa(await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))) == "AA"
        other = FieldCipher({"k1": bytes(32)}, active_key_id="k1")
        [stored] = await MessageLog(wired.engine, cipher=other).latest()

        with pytest.raises(FieldEncryptionError) as caught:
            _ = stored.raw

        error = caught.value
        assert error.code == "security.field_encryption"
        assert f"message {stored.id} does not open" in error.safe_message
        assert "events.encryption_keys" in error.safe_message
        assert error.details == {"message_id": stored.id, "key_id": "k1"}
        assert "EVERYMAN" not in str(error.to_dict())

    async def test_a_key_id_that_is_not_configured_is_named_in_the_error(self, wired, hl7_file):
        assert msa(await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))) == "AA"
        rotated = FieldCipher({"k2": bytes(32)}, active_key_id="k2")
        [stored] = await MessageLog(wired.engine, cipher=rotated).latest()

        with pytest.raises(FieldEncryptionError, match="key that is not configured") as caught:
            _ = stored.raw
        assert caught.value.details["key_id"] == "k1"

    async def test_without_any_key_a_sealed_row_asks_for_one(self, wired, hl7_file):
        assert msa(await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))) == "AA"
        [stored] = await MessageLog(wired.engine).latest()

        with pytest.raises(FieldEncryptionError, match="no encryption key is configured"):
            _ = stored.raw

    async def test_listing_needs_no_key_because_only_the_raw_bytes_are_sealed(
        self, wired, hl7_file
    ):
        assert msa(await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))) == "AA"

        [listed] = await MessageLog(wired.engine).latest()

        assert (listed.control_id, listed.status, listed.message_type) == (
            "MSG00001",
            "accepted",
            "ADT",
        )
        assert msa(listed.ack or b"") == "AA"

    async def test_a_retired_key_still_opens_what_it_sealed_after_rotation(self, wired, hl7_file):
        raw = hl7_file("adt_a01_01.hl7")
        assert msa(await wired.inbound.handle(raw)) == "AA"
        rotated = FieldCipher({"k1": bytes(range(32)), "k2": bytes(32)}, active_key_id="k2")

        [stored] = await MessageLog(wired.engine, cipher=rotated).latest()

        assert stored.raw == raw
