"""The events an accepted HL7 v2 message announces: what was applied, never what it said.

Every message acknowledged AA becomes one ``Hl7MessageAccepted`` (routing facts, and the
patient's identifiers classed ``phi``, so the bus seals them and only entitled
subscribers see them); an A40 also becomes a ``PartnerMerged`` naming the Odoo partners
involved by record id alone. Source keys derive from the message's dedupe key, so a
resend or a reprocess announces the same event id, which JetStream and subscribers drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from healthbridge.canonical.events import Hl7MessageAccepted, PartnerMerged
from healthbridge.canonical.events.base import HL7_MESSAGE_SYSTEM
from healthbridge.canonical.identifiers import Identifier, odoo_system
from healthbridge.mappings.hl7v2 import Hl7Message
from healthbridge.services.event_ports import OutgoingEvent

PARTNER_SYSTEM = odoo_system("res.partner")


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying a message did that subscribers may hear about."""

    patient_identifiers: tuple[Identifier, ...] = ()
    merged_into: int | None = None
    merged: tuple[int, ...] = ()


def dedupe_key(message: Hl7Message) -> tuple[str, str, str]:
    """(MSH-3, MSH-4, MSH-10) raw: the key the message log dedupes on."""
    msh = message.msh
    return msh.field(3), msh.field(4), msh.field(10)


def message_key(message: Hl7Message) -> str:
    """``MSH-3|MSH-4|MSH-10``: the dedupe key as one string, for event source keys."""
    return "|".join(dedupe_key(message))


def accepted_events(
    message: Hl7Message, message_id: int, received_at: datetime, applied: Applied
) -> list[OutgoingEvent]:
    """The events to publish for ``message``, stored as ``message_id``, once it is applied."""
    key = message_key(message)
    accepted = Hl7MessageAccepted(
        record=Identifier(system=HL7_MESSAGE_SYSTEM, value=str(message_id)),
        occurred_at=received_at,
        message_type=message.message_type,
        trigger_event=message.trigger_event,
        control_id=message.control_id or None,
        sending_application=message.msh.value(3) or None,
        sending_facility=message.msh.value(4) or None,
        patient_identifiers=applied.patient_identifiers or None,
    )
    events = [OutgoingEvent(accepted, source_key=f"hl7:{key}")]
    if applied.merged_into is not None and applied.merged:
        merged = PartnerMerged(
            record=Identifier(system=PARTNER_SYSTEM, value=str(applied.merged_into)),
            occurred_at=received_at,
            merged=tuple(
                Identifier(system=PARTNER_SYSTEM, value=str(partner)) for partner in applied.merged
            ),
        )
        events.append(OutgoingEvent(merged, source_key=f"hl7-merge:{key}"))
    return events
