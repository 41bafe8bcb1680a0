"""What every canonical event shares: the record it is about, when it happened, its type.

An event is a past-tense fact about one record, small and frozen: identifiers and the
facts that changed, never clinical content. Its CloudEvents ``type`` is
``org.healthbridge.<noun>.<past-tense-verb>.v<major>``, and it belongs to one business
*domain*, which is the stream it is kept in.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AwareDatetime

from healthbridge.canonical.classification import OPERATIONAL
from healthbridge.canonical.identifiers import ODOO_SYSTEM_PREFIX, Identifier
from healthbridge.canonical.model import CanonicalModel

TYPE_PREFIX = "org.healthbridge."
"""Every event type starts with this (reverse-DNS, per the CloudEvents spec's advice)."""

HL7_MESSAGE_SYSTEM = "urn:healthbridge:hl7-message"
"""Identifier system of the hub's own inbound HL7 v2 message log ids."""


class CanonicalEvent(CanonicalModel):
    """Base of every event: ``record`` it is about and ``occurred_at`` when it happened.

    ``occurred_at`` is the source's own time (an Odoo ``write_date``), never a clock read
    here, so a replay carries the same facts as the first delivery.
    """

    event_type: ClassVar[str]
    """The CloudEvents ``type``, e.g. ``org.healthbridge.stock.level-changed.v1``."""
    domain: ClassVar[str]
    """The business domain, which names the stream: partners, inventory, billing..."""
    contract_version: ClassVar[str] = "1.0.0"
    """The version of the contract this model publishes (semver; the type carries the major)."""

    record: Annotated[Identifier, OPERATIONAL]
    occurred_at: Annotated[AwareDatetime, OPERATIONAL]

    def subject(self) -> str:
        """The CloudEvents ``subject``: ``<model>/<id>`` for Odoo records, else system/value."""
        system = self.record.system or "urn:unknown"
        if system.startswith(ODOO_SYSTEM_PREFIX):
            system = system[len(ODOO_SYSTEM_PREFIX) :]
        return f"{system}/{self.record.value or ''}"
