"""The inbound HL7 v2 message log: raw bytes as received, status, ACK, reprocess links.

Dedupe is the database's job: the unique index on (sending application, sending
facility, control id) among original messages makes a concurrent duplicate fail its
insert, so two copies of one message can never both be processed.

A raw message is PHI, so with a :class:`FieldCipher` the ``raw`` column holds it sealed
(AES-256-GCM, ``hbenc:v1:<key id>:...`` as ASCII bytes), bound to the row's dedupe key:
ciphertext copied into another row does not open. Rows written in clear before
encryption carry no marker and read as they are, so no migration is needed. The ACK
stays in clear: it echoes only the inbound header (applications, facilities, control
id) and the hub's own safe wording, never a value from the message body, and the
listener reads it on every duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.security.field_encryption import PREFIX, FieldCipher, FieldEncryptionError
from healthbridge.store.message_schema import MESSAGE_STATUSES, hl7_messages

_TEXT_LIMIT = 1000
_SEALED = PREFIX.encode("ascii")
"""How a sealed ``raw`` value starts; a message as received starts with its MSH segment."""


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One row of the log; ``raw`` holds PHI, so show it only when an operator asks.

    The stored bytes are opened when ``raw`` is read, not when the row is loaded: listing
    messages needs no key, and a key problem surfaces only where the message is needed.
    """

    id: int
    sending_application: str
    sending_facility: str
    control_id: str | None
    message_type: str | None
    trigger_event: str | None
    received_at: datetime
    stored_raw: bytes
    """``raw`` as the column holds it: sealed, or in clear for a row written before."""
    status: str
    ack: bytes | None
    error_code: str | None
    error_text: str | None
    attempts: int
    reprocessed_from: int | None
    opener: Callable[[InboundMessage], bytes] = field(
        default=lambda message: message.stored_raw, repr=False, compare=False
    )

    @property
    def raw(self) -> bytes:
        """The message exactly as received; ``FieldEncryptionError`` if it does not open."""
        return self.opener(self)

    @property
    def sealed(self) -> bool:
        """Whether the stored bytes are encrypted (False for rows written in clear)."""
        return self.stored_raw.startswith(_SEALED)


def raw_associated_data(
    sending_application: str, sending_facility: str, control_id: str | None
) -> bytes:
    """What a sealed ``raw`` is bound to: the table, the column and the row's dedupe key."""
    return "\x1f".join(
        ("hl7_messages.raw", sending_application, sending_facility, control_id or "")
    ).encode()


class MessageLog:
    """The ``hl7_messages`` table (implements ``MessageLogPort``)."""

    def __init__(self, engine: AsyncEngine, *, cipher: FieldCipher | None = None) -> None:
        """``cipher`` seals new raw messages and opens sealed ones; None keeps them in clear."""
        self._engine = engine
        self._cipher = cipher

    async def find(
        self, sending_application: str, sending_facility: str, control_id: str
    ) -> InboundMessage | None:
        """The original message with this key, or None."""
        table = hl7_messages.c
        query = select(hl7_messages).where(
            table.sending_application == sending_application,
            table.sending_facility == sending_facility,
            table.control_id == control_id,
            table.reprocessed_from.is_(None),
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else self._message(row)

    async def get(self, message_id: int) -> InboundMessage | None:
        """The message or attempt with this id, or None."""
        query = select(hl7_messages).where(hl7_messages.c.id == message_id)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).one_or_none()
        return None if row is None else self._message(row)

    async def add(
        self,
        *,
        sending_application: str,
        sending_facility: str,
        control_id: str | None,
        message_type: str | None,
        trigger_event: str | None,
        raw: bytes,
        received_at: datetime,
        reprocessed_from: int | None = None,
    ) -> int | None:
        """Insert with status received; None when an original with this key exists."""
        statement = hl7_messages.insert().values(
            sending_application=sending_application,
            sending_facility=sending_facility,
            control_id=control_id,
            message_type=message_type,
            trigger_event=trigger_event,
            received_at=received_at,
            raw=self._seal(raw, sending_application, sending_facility, control_id),
            status="received",
            attempts=1,
            reprocessed_from=reprocessed_from,
        )
        try:
            async with self._engine.begin() as connection:
                result = await connection.execute(statement.returning(hl7_messages.c.id))
                return int(result.scalar_one())
        except IntegrityError:
            if reprocessed_from is not None:
                raise
            return None

    async def finish(
        self,
        message_id: int,
        status: str,
        ack: bytes,
        *,
        error_code: str | None = None,
        error_text: str | None = None,
    ) -> None:
        """Record the outcome and ACK of one message or attempt."""
        _check(status)
        statement = (
            update(hl7_messages)
            .where(hl7_messages.c.id == message_id)
            .values(
                status=status,
                ack=ack,
                error_code=error_code,
                error_text=error_text[:_TEXT_LIMIT] if error_text else None,
            )
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def supersede(self, message_id: int, status: str, ack: bytes) -> None:
        """The original takes a reprocess attempt's status and ACK; attempts + 1."""
        _check(status)
        statement = (
            update(hl7_messages)
            .where(hl7_messages.c.id == message_id)
            .values(status=status, ack=ack, attempts=hl7_messages.c.attempts + 1)
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def latest(
        self, limit: int = 50, *, status: str | None = None
    ) -> Sequence[InboundMessage]:
        """The ``limit`` most recent messages and attempts, newest first."""
        query = select(hl7_messages).order_by(hl7_messages.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(hl7_messages.c.status == status)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [self._message(row) for row in rows]

    def _seal(
        self, raw: bytes, sending_application: str, sending_facility: str, control_id: str | None
    ) -> bytes:
        if self._cipher is None:
            return raw
        # A cipher without an active key raises here: PHI is never stored in clear by mistake.
        associated = raw_associated_data(sending_application, sending_facility, control_id)
        return self._cipher.seal(raw, associated_data=associated).encode("ascii")

    def _open(self, message: InboundMessage) -> bytes:
        stored = message.stored_raw
        if not stored.startswith(_SEALED):
            return stored
        if self._cipher is None:
            raise FieldEncryptionError(
                f"message {message.id} is stored encrypted but no encryption key is "
                "configured: set events.encryption_keys (HEALTHBRIDGE_EVENTS__ENCRYPTION_KEYS) "
                "to the keys the hub ran with",
                details={"message_id": message.id},
            )
        associated = raw_associated_data(
            message.sending_application, message.sending_facility, message.control_id
        )
        try:
            token = stored.decode("ascii")
            return self._cipher.open(token, associated_data=associated)
        except (UnicodeDecodeError, FieldEncryptionError) as exc:
            reason = exc.safe_message if isinstance(exc, FieldEncryptionError) else "not ASCII"
            raise FieldEncryptionError(
                f"message {message.id} does not open ({reason}): configure the key it was "
                "sealed with in events.encryption_keys",
                details={"message_id": message.id, **_key_id(stored)},
            ) from None

    def _message(self, row: Row[Any]) -> InboundMessage:
        return InboundMessage(
            id=row.id,
            sending_application=row.sending_application or "",
            sending_facility=row.sending_facility or "",
            control_id=row.control_id,
            message_type=row.message_type,
            trigger_event=row.trigger_event,
            received_at=row.received_at,
            stored_raw=bytes(row.raw),
            status=row.status,
            ack=None if row.ack is None else bytes(row.ack),
            error_code=row.error_code,
            error_text=row.error_text,
            attempts=row.attempts,
            reprocessed_from=row.reprocessed_from,
            opener=self._open,
        )


def _check(status: str) -> None:
    if status not in MESSAGE_STATUSES:
        raise ValueError(f"unknown message status {status!r}")


def _key_id(stored: bytes) -> dict[str, str]:
    """The key id a sealed value names, for an error's details (never the value itself)."""
    try:
        return {"key_id": FieldCipher.key_id_of(stored.decode("ascii"))}
    except (UnicodeDecodeError, FieldEncryptionError):
        return {}
