"""Versions of every inbound-facing mapping, so a release candidate can live beside the current one.

A :class:`MappingVersion` wraps one mapping as a function of one recorded input (a parsed
HL7 message, an Odoo row, a FHIR resource), whatever extra arguments the mapping itself
takes, so a dry run can replay the same input through two versions and compare. The
current version of each mapping is the one its golden examples are recorded for; a
candidate is registered next to it with :meth:`MappingRegistry.register` and becomes
current only when the code says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Literal

from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.fhir import FHIR_READERS, MAPPING_VERSIONS
from healthbridge.mappings.hl7v2.admin import (
    Hl7MappingError,
    StaffUpdate,
    charges_from_dft,
    medical_record_number,
    patient_from_pid,
    patient_merge,
    staff_updates,
)
from healthbridge.mappings.hl7v2.errors import ErrorLocation
from healthbridge.mappings.hl7v2.message import Hl7Message
from healthbridge.mappings.odoo import (
    OdooRelated,
    odoo_to_charge,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_lot,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_payment,
    odoo_to_practitioner,
    odoo_to_product,
    odoo_to_service_order,
    odoo_to_stock_level,
    odoo_to_supply_delivery,
    odoo_to_supply_order,
)

SourceKind = Literal["hl7v2", "odoo", "fhir"]
MappingFunction = Callable[[Any], object]
"""One recorded input (HL7 message, Odoo row, FHIR JSON) -> the mapping's output."""


class UnknownMappingError(HealthbridgeError):
    """No mapping, or no such version of it, is registered."""

    code: ClassVar[str] = "mapping.unknown_version"


@dataclass(frozen=True, slots=True)
class MappingVersion:
    """One version of one mapping and the inputs it reads.

    ``sources`` names what the mapping accepts: ``ADT^A01``-style message types for
    HL7 v2, Odoo models for Odoo, FHIR resource types for FHIR.
    """

    name: str
    version: str
    function: MappingFunction
    source_kind: SourceKind
    sources: tuple[str, ...] = ()


class MappingRegistry:
    """Mapping name -> its versions; the first registered version is current unless told."""

    def __init__(self) -> None:
        self._versions: dict[str, dict[str, MappingVersion]] = {}
        self._current: dict[str, str] = {}

    def add(self, mapping: MappingVersion, *, current: bool = False) -> None:
        """Registers ``mapping``; a version already registered under its name is refused."""
        versions = self._versions.setdefault(mapping.name, {})
        if mapping.version in versions:
            raise ValueError(f"{mapping.name}@{mapping.version} is already registered")
        versions[mapping.version] = mapping
        if current or mapping.name not in self._current:
            self._current[mapping.name] = mapping.version

    def register(self, name: str, version: str, function: MappingFunction) -> MappingVersion:
        """Adds a candidate ``version`` of the existing mapping ``name`` beside its current one."""
        base = self.current(name)
        candidate = MappingVersion(name, version, function, base.source_kind, base.sources)
        self.add(candidate)
        return candidate

    def names(self) -> list[str]:
        """Every registered mapping name, sorted."""
        return sorted(self._versions)

    def current(self, name: str) -> MappingVersion:
        """The version in use today."""
        return self.get(name, self._current.get(name, ""))

    def get(self, name: str, version: str) -> MappingVersion:
        """``name`` at ``version``, or :class:`UnknownMappingError`."""
        found = self._versions.get(name, {}).get(version)
        if found is None:
            known = ", ".join(self.versions(name)) or "none"
            raise UnknownMappingError(
                f"mapping {name!r} has no version {version!r} (registered: {known})"
            )
        return found

    def versions(self, name: str) -> list[str]:
        """The registered versions of ``name`` in registration order (empty if unknown)."""
        return list(self._versions.get(name, {}))


def dft_charges(message: Hl7Message) -> list[object]:
    """The charges of a DFT^P03 billed to the MRN of its PID, as the inbound service does."""
    patient = patient_from_pid(message)
    mrn = medical_record_number(list(patient.identifiers))
    if mrn is None:  # patient_from_pid already refuses a PID without identifiers
        raise Hl7MappingError("PID-3 is empty", location=ErrorLocation("PID", 1))
    return list(charges_from_dft(message, mrn))


def staff_records(message: Hl7Message) -> list[StaffUpdate]:
    """The MFE/STF records of an MFN^M02."""
    return staff_updates(message)


@dataclass(frozen=True, slots=True)
class OdooRecord:
    """The input of an Odoo mapping: one row, and the related rows it needs (lines, tags)."""

    row: Mapping[str, Any]
    related: OdooRelated = field(default_factory=OdooRelated)


ODOO_LINES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "account.move": ("invoice_line_ids", "account.move.line"),
        "purchase.order": ("order_line", "purchase.order.line"),
        "sale.order": ("order_line", "sale.order.line"),
        "stock.picking": ("move_ids", "stock.move"),
    }
)
"""Odoo document model -> (its one2many of lines, the line model), to fill ``related.lines``."""

PARTNER_TAGS = ("category_id", "res.partner.category")
"""The partner field holding tag ids and the tag model, to fill ``related.partner_tags``."""


def _odoo(function: Callable[..., object]) -> MappingFunction:
    """An ``odoo_to_*`` reader as a function of one :class:`OdooRecord`."""

    def read(record: OdooRecord) -> object:
        return function(record.row, related=record.related)

    return read


_ADT_UPSERT = ("ADT^A01", "ADT^A04", "ADT^A08", "ADT^A28", "ADT^A31")

HL7_MAPPINGS: Mapping[str, tuple[MappingFunction, tuple[str, ...]]] = MappingProxyType(
    {
        "hl7v2.patient": (patient_from_pid, (*_ADT_UPSERT, "ADT^A40")),
        "hl7v2.merge": (patient_merge, ("ADT^A40",)),
        "hl7v2.staff": (staff_records, ("MFN^M02",)),
        "hl7v2.charges": (dft_charges, ("DFT^P03",)),
    }
)
"""HL7 v2 mapping name -> (function of a parsed message, message types it reads)."""

ODOO_MAPPINGS: Mapping[str, tuple[Callable[..., object], str]] = MappingProxyType(
    {
        "odoo.charge": (odoo_to_charge, "account.move.line"),
        "odoo.invoice": (odoo_to_invoice, "account.move"),
        "odoo.location": (odoo_to_location, "stock.location"),
        "odoo.lot": (odoo_to_lot, "stock.lot"),
        "odoo.organization": (odoo_to_organization, "res.partner"),
        "odoo.patient": (odoo_to_patient, "res.partner"),
        "odoo.payment": (odoo_to_payment, "account.payment"),
        "odoo.practitioner": (odoo_to_practitioner, "hr.employee"),
        "odoo.product": (odoo_to_product, "product.product"),
        "odoo.service_order": (odoo_to_service_order, "sale.order"),
        "odoo.stock_level": (odoo_to_stock_level, "stock.quant"),
        "odoo.supply_delivery": (odoo_to_supply_delivery, "stock.picking"),
        "odoo.supply_order": (odoo_to_supply_order, "purchase.order"),
    }
)
"""Odoo mapping name -> (``odoo_to_*`` reader, the Odoo model whose rows it reads).

Coverage has none: Odoo (and its sandbox) has no insurance model. A Coverage needs the
beneficiary and at least one payer *linked to each other* with a member id; Odoo keeps
payers as partners (tagged Payer) and patients as partners (tagged Patient) but records
no link between a patient and a payer, no member or policy number and no plan or
period, and an invoice addressed to a payer does not name the patient it is for. Any
Coverage read from Odoo would be invented, so Coverage reaches the hub through FHIR
(``fhir.coverage``) and, for HL7 v2, IN1 segments stay with the EHR.
"""

FHIR_RESOURCE_OF: Mapping[str, str] = MappingProxyType(
    {
        "charge_item": "ChargeItem",
        "coverage": "Coverage",
        "device": "Device",
        "invoice": "Invoice",
        "location": "Location",
        "organization": "Organization",
        "patient": "Patient",
        "payment_reconciliation": "PaymentReconciliation",
        "practitioner": "Practitioner",
        "supply_delivery": "SupplyDelivery",
        "supply_request": "SupplyRequest",
    }
)
"""FHIR mapping module (the key of ``MAPPING_VERSIONS``) -> the resource type it reads."""

HL7_VERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "hl7v2.charges": "1.0.0",
        "hl7v2.merge": "1.0.0",
        "hl7v2.patient": "1.0.0",
        "hl7v2.staff": "1.0.0",
    }
)
"""Current version of each HL7 v2 mapping; golden examples are kept per version."""

ODOO_VERSIONS: Mapping[str, str] = MappingProxyType(dict.fromkeys(ODOO_MAPPINGS, "1.0.0"))
"""Current version of each Odoo -> canonical mapping; golden examples are kept per version."""


CANDIDATES: tuple[MappingVersion, ...] = ()
"""Release candidates shipped beside the current versions, for ``mappings dry-run``."""


def default_registry() -> MappingRegistry:
    """A fresh registry: the current version of every inbound-facing mapping, and candidates."""
    registry = MappingRegistry()
    for name, (function, sources) in HL7_MAPPINGS.items():
        registry.add(MappingVersion(name, HL7_VERSIONS[name], function, "hl7v2", sources))
    for name, (reader, model) in ODOO_MAPPINGS.items():
        registry.add(MappingVersion(name, ODOO_VERSIONS[name], _odoo(reader), "odoo", (model,)))
    for module, resource_type in FHIR_RESOURCE_OF.items():
        registry.add(
            MappingVersion(
                f"fhir.{module}",
                MAPPING_VERSIONS[module],
                FHIR_READERS[resource_type],
                "fhir",
                (resource_type,),
            )
        )
    for candidate in CANDIDATES:
        registry.add(candidate)
    return registry
