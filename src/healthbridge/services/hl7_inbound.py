"""Inbound HL7 v2: keep each message as received, apply it to Odoo, answer precisely.

``Hl7Inbound.handle`` is the MLLP handler seam. Order of work: parse, dedupe on
(sending application, sending facility, control id) — a repeat gets the stored ACK and
writes nothing — store the raw bytes, map (pure, so a bad message fails before any
write), write to Odoo, store the ACK. AA on success, AE with an ERR naming the field and
reason on a content or Odoo error (status ``error``, reprocessable), AR when the message
is malformed or of a type the hub does not take.

Writes are idempotent upserts keyed on business identifiers (the MRN in ``ref``, the
staff key in ``barcode``, a per-FT1 marker in each invoice line label), so a reprocess
completes what a failed attempt began instead of duplicating it; records created by a
failed attempt are removed again when nothing else points to them yet.

With an event publisher, an accepted message is announced (``services.hl7_events``)
before its AA is sent: a message whose events JetStream did not acknowledge is answered
AE and kept as ``error``, so ``messages reprocess`` announces it later rather than the
announcement being lost.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable
from datetime import datetime

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError, UnavailableError
from healthbridge.mappings.hl7v2 import (
    AckCode,
    AckError,
    ErrorCondition,
    ErrorLocation,
    Hl7Error,
    Hl7Message,
    Hl7UnsupportedMessageError,
    ack_code_for,
    build_ack,
    hl7_timestamp,
    parse_message,
)
from healthbridge.mappings.hl7v2.admin import (
    charges_from_dft,
    medical_record_number,
    patient_from_pid,
    patient_merge,
    staff_updates,
)
from healthbridge.services.event_ports import EventPublisherPort
from healthbridge.services.hl7_events import Applied, accepted_events, dedupe_key
from healthbridge.services.hl7_odoo_writes import OdooWrites
from healthbridge.services.message_ports import MessageLogPort, MessageStatus
from healthbridge.services.ports import OdooPort

log = structlog.get_logger(__name__)

SUPPORTED_EVENTS: dict[str, frozenset[str]] = {
    "ADT": frozenset({"A01", "A04", "A08", "A28", "A31", "A40"}),
    "DFT": frozenset({"P03"}),
    "MFN": frozenset({"M02"}),
}
"""Message types and trigger events the hub applies to Odoo; others get AR."""


class Hl7InboundError(HealthbridgeError):
    """An operator asked to reprocess a message the log does not hold."""

    code = "hl7.unknown_message"


def check_supported(message: Hl7Message) -> None:
    """Raise ``Hl7UnsupportedMessageError`` at MSH-9 for a type or event not handled."""
    events = SUPPORTED_EVENTS.get(message.message_type)
    if events is None:
        raise Hl7UnsupportedMessageError(
            "MSH-9.1 names a message type the hub does not take (ADT, DFT, MFN)",
            location=ErrorLocation("MSH", 1, 9, component=1),
        )
    if message.trigger_event not in events:
        raise Hl7UnsupportedMessageError(
            f"MSH-9.2 names a {message.message_type} event the hub does not take "
            f"({', '.join(sorted(events))})",
            location=ErrorLocation("MSH", 1, 9, component=2),
            condition=ErrorCondition.UNSUPPORTED_EVENT_CODE,
        )


class Hl7Inbound:
    """The inbound HL7 v2 use case: ``handle`` raw bytes, ``reprocess`` a stored message."""

    def __init__(
        self,
        odoo: OdooPort,
        messages: MessageLogPort,
        *,
        clock: Clock | None = None,
        control_ids: Callable[[], str] | None = None,
        events: EventPublisherPort | None = None,
    ) -> None:
        self._writes = OdooWrites(odoo)
        self._events = events
        self._messages = messages
        self._clock = clock or SystemClock()
        if control_ids is None:
            control_ids = _control_id_sequence()
        self._control_ids: Callable[[], str] = control_ids

    async def handle(self, raw: bytes) -> bytes:
        """The ACK for ``raw``; the message and its outcome are stored before it is returned."""
        received_at = self._clock.now()
        try:
            message = parse_message(raw)
            check_supported(message)
        except Hl7Error as error:
            return await self._reject(raw, error)
        key = dedupe_key(message)
        stored = await self._messages.find(*key)
        if stored is not None:
            log.info("hl7_duplicate_answered", message_id=stored.id, status=stored.status)
            return stored.ack or self._duplicate_in_progress(message)
        message_id = await self._messages.add(
            sending_application=key[0],
            sending_facility=key[1],
            control_id=key[2],
            message_type=message.message_type,
            trigger_event=message.trigger_event,
            raw=raw,
            received_at=received_at,
        )
        if message_id is None:
            again = await self._messages.find(*key)
            return (again.ack if again else None) or self._duplicate_in_progress(message)
        ack, status, failure = await self._process(message, message_id, received_at)
        await self._messages.finish(
            message_id,
            status,
            ack,
            error_code=failure.code if failure else None,
            error_text=failure.safe_message if failure else None,
        )
        log.info("hl7_message_handled", message_id=message_id, status=status)
        return ack

    async def reprocess(self, message_id: int) -> bytes:
        """Apply a stored message again from its raw bytes; the ACK of the new attempt.

        The attempt is stored as its own row linked to the original, and the original
        takes the attempt's status and ACK, so a later resend gets the latest answer.
        """
        stored = await self._messages.get(message_id)
        if stored is None:
            raise Hl7InboundError("no inbound message has this id")
        original = stored.reprocessed_from or stored.id
        attempt = await self._messages.add(
            sending_application=stored.sending_application,
            sending_facility=stored.sending_facility,
            control_id=stored.control_id,
            message_type=stored.message_type,
            trigger_event=stored.trigger_event,
            raw=stored.raw,
            received_at=self._clock.now(),
            reprocessed_from=original,
        )
        assert attempt is not None  # attempts are outside the dedupe key
        try:
            message = parse_message(stored.raw)
            check_supported(message)
        except Hl7Error as error:
            ack = self._ack(_header_or_none(stored.raw), ack_code_for(error), error)
            status: MessageStatus = "rejected"
            await self._messages.finish(
                attempt, status, ack, error_code=error.code, error_text=error.safe_message
            )
        else:
            ack, status, failure = await self._process(message, original, stored.received_at)
            await self._messages.finish(
                attempt,
                status,
                ack,
                error_code=failure.code if failure else None,
                error_text=failure.safe_message if failure else None,
            )
        await self._messages.supersede(original, status, ack)
        log.info("hl7_message_reprocessed", message_id=original, attempt=attempt, status=status)
        return ack

    async def _process(
        self, message: Hl7Message, message_id: int, received_at: datetime
    ) -> tuple[bytes, MessageStatus, HealthbridgeError | None]:
        try:
            applied = await self._apply(message)
            await self._announce(message, message_id, received_at, applied)
        except HealthbridgeError as error:
            code = ack_code_for(error)
            status: MessageStatus = "rejected" if code is AckCode.REJECT else "error"
            log.warning("hl7_message_failed", error_code=error.code, status=status)
            return self._ack(message, code, error), status, error
        except Exception:
            log.exception("hl7_message_crashed")
            internal = HealthbridgeError("internal error while applying the message")
            return self._ack(message, AckCode.ERROR, internal), "error", internal
        return self._ack(message, AckCode.ACCEPT, None), "accepted", None

    async def _apply(self, message: Hl7Message) -> Applied:
        """Map everything first (pure), then write; a mapping error writes nothing."""
        kind, event = message.message_type, message.trigger_event
        if kind == "ADT" and event == "A40":
            merge = patient_merge(message)
            survivor, merged = await self._writes.merge_patients(merge)
            identifiers = (*merge.survivor.identifiers, merge.prior)
            return Applied(identifiers, merged_into=survivor, merged=merged)
        if kind == "ADT":
            patient = patient_from_pid(message)
            await self._writes.upsert_patient(patient)
            return Applied(tuple(patient.identifiers))
        if kind == "MFN":
            for update in staff_updates(message):
                await self._writes.upsert_employee(update)
            return Applied()
        patient = patient_from_pid(message)
        mrn = medical_record_number(list(patient.identifiers))
        assert mrn is not None  # patient_from_pid requires an identifier
        charges = charges_from_dft(message, mrn)
        await self._writes.add_charges(patient, charges, _marker_prefix(message))
        return Applied(tuple(patient.identifiers))

    async def _announce(
        self, message: Hl7Message, message_id: int, received_at: datetime, applied: Applied
    ) -> None:
        if self._events is None:
            return
        try:
            await self._events.publish_all(
                accepted_events(message, message_id, received_at, applied)
            )
        except Exception as exc:
            log.warning("hl7_event_not_published", error_type=type(exc).__name__)
            raise UnavailableError(
                "the message was applied but the event backbone did not acknowledge its "
                "announcement; reprocess it once NATS is back",
                details={"retry_after": 5},
            ) from exc

    async def _reject(self, raw: bytes, error: Hl7Error) -> bytes:
        header = _header_or_none(raw)
        key = dedupe_key(header) if header is not None else ("", "", "")
        control_id = key[2] or None
        if control_id is not None:
            stored = await self._messages.find(key[0], key[1], control_id)
            if stored is not None and stored.ack is not None:
                return stored.ack
        ack = self._ack(header, ack_code_for(error), error)
        message_id = await self._messages.add(
            sending_application=key[0],
            sending_facility=key[1],
            control_id=control_id,
            message_type=(header.message_type[:3] or None) if header else None,
            trigger_event=(header.trigger_event[:3] or None) if header else None,
            raw=raw,
            received_at=self._clock.now(),
        )
        if message_id is not None:
            await self._messages.finish(
                message_id, "rejected", ack, error_code=error.code, error_text=error.safe_message
            )
        log.info("hl7_message_rejected", error_code=error.code)
        return ack

    def _ack(
        self, message: Hl7Message | None, code: AckCode, error: HealthbridgeError | None
    ) -> bytes:
        errors = [AckError.from_error(error)] if error is not None else []
        return build_ack(
            message,
            code,
            control_id=self._control_ids(),
            timestamp=hl7_timestamp(self._clock.now()),
            errors=errors,
        )

    def _duplicate_in_progress(self, message: Hl7Message) -> bytes:
        error = AckError(
            ErrorCondition.DUPLICATE_KEY_IDENTIFIER,
            "a message with this control id is being processed",
            ErrorLocation("MSH", 1, 10),
            error_code="hl7.duplicate",
        )
        return build_ack(
            message,
            AckCode.ERROR,
            control_id=self._control_ids(),
            timestamp=hl7_timestamp(self._clock.now()),
            errors=[error],
        )


def _control_id_sequence() -> Callable[[], str]:
    """ACK control ids unique per process run and short enough for MSH-10 in v2.3 (20)."""
    prefix = "HB" + secrets.token_hex(4)
    counter = itertools.count(1)

    def next_id() -> str:
        return f"{prefix}{next(counter)}"

    return next_id


def _marker_prefix(message: Hl7Message) -> str:
    """The invoice line reference of this message: ``[HL7 app/control id/`` + FT1 set id."""
    return f"[HL7 {message.msh.value(3)}/{message.control_id}/"


def _header_or_none(raw: bytes) -> Hl7Message | None:
    """Whatever header a broken message still has, so even its AR can be addressed."""
    try:
        return parse_message(raw, require_header=False)
    except Hl7Error:
        return None
