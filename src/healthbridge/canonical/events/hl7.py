"""HL7 v2 events: an inbound message was accepted (AA) and applied.

Only the message's routing facts travel: type, trigger, control id, sender. The patient
it concerned is named by identifiers alone, classed phi (sealed at rest, removed for
subscribers not entitled); the message body never leaves the message log.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from healthbridge.canonical.classification import OPERATIONAL, PHI, PUBLIC
from healthbridge.canonical.events.base import CanonicalEvent
from healthbridge.canonical.identifiers import Identifier


class Hl7MessageAccepted(CanonicalEvent):
    """An inbound HL7 v2 message was validated, applied and acknowledged with AA."""

    event_type: ClassVar[str] = "org.healthbridge.hl7.message-accepted.v1"
    domain: ClassVar[str] = "hl7"

    message_type: Annotated[str, PUBLIC]
    trigger_event: Annotated[str, PUBLIC]
    control_id: Annotated[str | None, OPERATIONAL] = None
    sending_application: Annotated[str | None, OPERATIONAL] = None
    sending_facility: Annotated[str | None, OPERATIONAL] = None
    patient_identifiers: Annotated[tuple[Identifier, ...] | None, PHI] = None
