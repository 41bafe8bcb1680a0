"""HL7 v2 administrative messages to canonical objects: patients, staff and charges.

Only what Odoo needs to bill and to find the same party again is read: identifiers,
names, contact data, birth date and sex from PID; staff identity from STF/PRA; charge
lines from FT1. Diagnoses (DG1, FT1-19), observations (OBX), notes (NTE), insurance
and visit details are never read, so nothing clinical can leave through these objects.

Each mapping either returns a complete object or raises ``Hl7MappingError`` naming the
field and the HL7 table 0357 condition, so the ACK can tell the sender what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Literal

from healthbridge.canonical.amounts import Money, Quantity
from healthbridge.canonical.charge import Charge
from healthbridge.canonical.coding import Coding, Concept
from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.patient import AdministrativeGender, Patient
from healthbridge.canonical.practitioner import Practitioner
from healthbridge.canonical.references import Reference
from healthbridge.mappings.hl7v2.errors import ErrorCondition, ErrorLocation, Hl7Error
from healthbridge.mappings.hl7v2.message import Hl7Message
from healthbridge.mappings.hl7v2.segment import Segment

HL7_AUTHORITY_PREFIX = "urn:healthbridge:hl7v2:authority:"
"""Identifier system for an assigning authority known only by its namespace id."""

_GENDERS: dict[str, AdministrativeGender] = {
    "M": "male",
    "F": "female",
    "O": "other",
    "A": "other",
    "N": "other",
    "U": "unknown",
}
_CHARGE_TYPES = {"CG": Decimal(1), "CD": Decimal(-1)}
"""FT1-6 transaction types billed: charges, and credits as negative lines."""


class Hl7MappingError(Hl7Error):
    """A well-formed message whose content cannot become a canonical object."""

    code: ClassVar[str] = "hl7.mapping"
    default_condition: ClassVar[ErrorCondition] = ErrorCondition.REQUIRED_FIELD_MISSING


@dataclass(frozen=True, slots=True)
class PatientMerge:
    """An A40: the surviving patient (PID) and the identifier of the one merged into it."""

    survivor: Patient
    prior: Identifier


@dataclass(frozen=True, slots=True)
class StaffUpdate:
    """One MFE record of an MFN^M02: the practitioner and whether the record stays active."""

    key: str
    practitioner: Practitioner
    action: Literal["upsert", "deactivate"]


def _clean(value: str) -> str:
    """The HL7 explicit null ``""`` and surrounding blanks read as absent."""
    value = value.strip()
    return "" if value == '""' else value


def _required_segment(message: Hl7Message, name: str) -> Segment:
    segment = message.segment(name)
    if segment is None:
        raise Hl7MappingError(
            f"the {name} segment is required",
            location=ErrorLocation(name, 1),
            condition=ErrorCondition.SEGMENT_SEQUENCE_ERROR,
        )
    return segment


def _authority_system(segment: Segment, field: int, repetition: int) -> str | None:
    """CX-4 as a URI: ``urn:oid:`` for ISO universal ids, else the namespace id."""
    universal = _clean(segment.value(field, repetition, 4, 2))
    kind = _clean(segment.value(field, repetition, 4, 3))
    if universal and kind.upper() == "ISO":
        return f"urn:oid:{universal}"
    namespace = _clean(segment.value(field, repetition, 4, 1)) or universal
    return HL7_AUTHORITY_PREFIX + namespace if namespace else None


def _identifiers(segment: Segment, field: int, fallback_system: str | None) -> list[Identifier]:
    found = []
    for index, _ in enumerate(segment.repetitions(field), start=1):
        value = _clean(segment.value(field, index, 1))
        if not value:
            continue
        kind = _clean(segment.value(field, index, 5))
        system = _authority_system(segment, field, index)
        found.append(
            Identifier(
                system=system or fallback_system,
                value=value,
                type=Concept(
                    codings=(Coding(system="http://terminology.hl7.org/v2-0203", code=kind),)
                )
                if kind
                else None,
            )
        )
    return found


def _sender_system(message: Hl7Message) -> str | None:
    """When CX-4 is empty the identifier belongs to the sending facility (or application)."""
    sender = _clean(message.msh.value(4)) or _clean(message.msh.value(3))
    return HL7_AUTHORITY_PREFIX + sender if sender else None


def medical_record_number(identifiers: list[Identifier]) -> Identifier | None:
    """The MR-typed identifier, else the first one (older senders leave CX-5 empty)."""
    for identifier in identifiers:
        if identifier.type is not None and identifier.type.codings[0].code == "MR":
            return identifier
    return identifiers[0] if identifiers else None


def _names(segment: Segment, field: int) -> tuple[HumanName, ...]:
    names = []
    for index, _ in enumerate(segment.repetitions(field), start=1):
        family = _clean(segment.value(field, index, 1, 1))
        given = tuple(
            part
            for part in (
                _clean(segment.value(field, index, 2)),
                _clean(segment.value(field, index, 3)),
            )
            if part
        )
        if not family and not given:
            continue
        suffix = _clean(segment.value(field, index, 4))
        prefix = _clean(segment.value(field, index, 5))
        kind = _clean(segment.value(field, index, 7))
        names.append(
            HumanName(
                use="official" if kind == "L" else None,
                family=family or None,
                given=given,
                prefix=(prefix,) if prefix else (),
                suffix=(suffix,) if suffix else (),
            )
        )
    return tuple(names)


def _addresses(segment: Segment, field: int) -> tuple[Address, ...]:
    addresses = []
    for index, _ in enumerate(segment.repetitions(field), start=1):
        lines = tuple(
            line
            for line in (
                _clean(segment.value(field, index, 1, 1)),
                _clean(segment.value(field, index, 2)),
            )
            if line
        )
        city = _clean(segment.value(field, index, 3))
        postal = _clean(segment.value(field, index, 5))
        if not lines and not city and not postal:
            continue
        addresses.append(
            Address(
                lines=lines,
                city=city or None,
                state=_clean(segment.value(field, index, 4)) or None,
                postal_code=postal or None,
                country=_clean(segment.value(field, index, 6)) or None,
            )
        )
    return tuple(addresses)


def _telecom(
    segment: Segment, field: int, default_use: Literal["home", "work"]
) -> list[ContactPoint]:
    points = []
    for index, _ in enumerate(segment.repetitions(field), start=1):
        equipment = _clean(segment.value(field, index, 3)).upper()
        if equipment in {"INTERNET", "X.400"}:
            email = _clean(segment.value(field, index, 4))
            if email:
                points.append(ContactPoint(system="email", value=email, use=default_use))
            continue
        number = _clean(segment.value(field, index, 1)) or "".join(
            _clean(segment.value(field, index, part)) for part in (6, 7)
        )
        if not number:
            continue
        use: Literal["home", "work", "mobile"] = default_use
        if equipment == "CP":
            use = "mobile"
        elif _clean(segment.value(field, index, 2)).upper() == "WPN":
            use = "work"
        system: Literal["phone", "fax"] = "fax" if equipment == "FX" else "phone"
        points.append(ContactPoint(system=system, value=number, use=use))
    return points


def _birth_date(segment: Segment, field: int, location: ErrorLocation) -> date | None:
    raw = _clean(segment.value(field))
    if not raw:
        return None
    try:
        return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise Hl7MappingError(
            f"{location} is not a valid date (YYYYMMDD)",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        ) from None


def patient_from_pid(message: Hl7Message) -> Patient:
    """The patient of PID; PID-3 must hold an identifier (the MRN is the one typed MR)."""
    pid = _required_segment(message, "PID")
    identifiers = _identifiers(pid, 3, _sender_system(message))
    if not identifiers:
        # v2.3 and older senders may carry the MRN in PID-2 (external id) only.
        identifiers = _identifiers(pid, 2, _sender_system(message))
    if not identifiers:
        raise Hl7MappingError(
            "PID-3 (patient identifier list) is empty",
            location=message.locate(pid, 3, 1),
        )
    names = _names(pid, 5)
    if not names:
        raise Hl7MappingError("PID-5 (patient name) is empty", location=message.locate(pid, 5, 1))
    telecom = _telecom(pid, 13, "home") + _telecom(pid, 14, "work")
    return Patient(
        identifiers=tuple(identifiers),
        active=True,
        names=names,
        telecom=tuple(telecom),
        gender=_GENDERS.get(_clean(pid.value(8)).upper()),
        birth_date=_birth_date(pid, 7, message.locate(pid, 7)),
        addresses=_addresses(pid, 11),
    )


def patient_merge(message: Hl7Message) -> PatientMerge:
    """An A40: the surviving patient from PID and the prior identifier from MRG-1."""
    survivor = patient_from_pid(message)
    mrg = _required_segment(message, "MRG")
    prior = _identifiers(mrg, 1, _sender_system(message))
    merged = medical_record_number(prior)
    if merged is None:
        raise Hl7MappingError(
            "MRG-1 (prior patient identifier list) is empty",
            location=message.locate(mrg, 1, 1),
        )
    return PatientMerge(survivor=survivor, prior=merged)


def staff_updates(message: Hl7Message) -> list[StaffUpdate]:
    """Each MFE/STF pair of an MFN^M02 (PRA adds practitioner ids), in message order."""
    entries = message.segments("MFE")
    staff = message.segments("STF")
    if not entries:
        _required_segment(message, "MFE")
    if len(staff) != len(entries):
        raise Hl7MappingError(
            "every MFE segment needs exactly one STF segment",
            location=ErrorLocation("STF", max(len(staff), 1)),
            condition=ErrorCondition.SEGMENT_SEQUENCE_ERROR,
        )
    practitioners = message.segments("PRA")
    updates = []
    for position, (entry, stf) in enumerate(zip(entries, staff, strict=True)):
        key = _clean(entry.value(4)) or _clean(stf.value(1))
        if not key:
            raise Hl7MappingError(
                "MFE-4 (primary key value) is empty", location=message.locate(entry, 4, 1)
            )
        names = _names(stf, 3)
        if not names:
            raise Hl7MappingError("STF-3 (staff name) is empty", location=message.locate(stf, 3, 1))
        system = _sender_system(message)
        identifiers = [Identifier(system=system, value=key)]
        identifiers += [i for i in _identifiers(stf, 2, system) if i.value != key]
        pra = practitioners[position] if position < len(practitioners) else None
        if pra is not None:
            identifiers += _license_numbers(pra)
        action = _clean(entry.value(1)).upper()
        practitioner = Practitioner(
            identifiers=tuple(identifiers),
            active=action not in {"MDL", "MDC"} and _clean(stf.value(7)).upper() != "N",
            names=names,
            telecom=tuple(_telecom(stf, 10, "work") + _emails(stf, 15)),
            addresses=_addresses(stf, 11),
            gender=_GENDERS.get(_clean(stf.value(5)).upper()),
            birth_date=_birth_date(stf, 6, message.locate(stf, 6)),
        )
        kind: Literal["upsert", "deactivate"] = (
            "deactivate" if action in {"MDL", "MDC"} else "upsert"
        )
        updates.append(StaffUpdate(key=key, practitioner=practitioner, action=kind))
    return updates


def _license_numbers(pra: Segment) -> list[Identifier]:
    """PRA-6 practitioner id numbers (PLN: id ^ type ^ state)."""
    found = []
    for index, _ in enumerate(pra.repetitions(6), start=1):
        value = _clean(pra.value(6, index, 1))
        kind = _clean(pra.value(6, index, 2))
        if value:
            system = HL7_AUTHORITY_PREFIX + kind if kind else None
            found.append(Identifier(system=system, value=value))
    return found


def _emails(segment: Segment, field: int) -> list[ContactPoint]:
    return [
        ContactPoint(system="email", value=value, use="work")
        for index, _ in enumerate(segment.repetitions(field), start=1)
        if (value := _clean(segment.value(field, index)))
    ]


def _decimal(segment: Segment, field: int, location: ErrorLocation) -> Decimal | None:
    raw = _clean(segment.value(field))
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Hl7MappingError(
            f"{location} is not a number",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        ) from None
    if not value.is_finite():
        raise Hl7MappingError(
            f"{location} is not a number",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    return value


def charges_from_dft(message: Hl7Message, patient: Identifier) -> list[Charge]:
    """One billable charge per FT1 of a DFT^P03; diagnoses (FT1-19, DG1) are never read."""
    lines = message.segments("FT1")
    if not lines:
        _required_segment(message, "FT1")
    return [_charge(message, ft1, patient) for ft1 in lines]


def _charge(message: Hl7Message, ft1: Segment, patient: Identifier) -> Charge:
    kind = _clean(ft1.value(6)).upper()
    if kind not in _CHARGE_TYPES:
        raise Hl7MappingError(
            "FT1-6 (transaction type) must be CG (charge) or CD (credit)",
            location=message.locate(ft1, 6, 1),
            condition=ErrorCondition.TABLE_VALUE_NOT_FOUND if kind else None,
        )
    code = _clean(ft1.value(7, 1, 1))
    if not code:
        raise Hl7MappingError(
            "FT1-7 (transaction code) is empty", location=message.locate(ft1, 7, 1)
        )
    quantity = _decimal(ft1, 10, message.locate(ft1, 10)) or Decimal(1)
    if quantity <= 0:
        raise Hl7MappingError(
            "FT1-10 (transaction quantity) must be positive",
            location=message.locate(ft1, 10),
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    total = _money(message, ft1, 11, Decimal(1))
    if total is None:
        total = _money(message, ft1, 12, quantity)
    if total is None:
        raise Hl7MappingError(
            "FT1-11 (extended amount) or FT1-12 (unit amount) is required",
            location=message.locate(ft1, 11, 1),
        )
    set_id = _clean(ft1.value(1)) or str(ft1.sequence)
    reference = f"{message.control_id}/{set_id}"
    return Charge(
        identifiers=(Identifier(system=_sender_system(message), value=reference),),
        status="billable",
        code=Concept(
            codings=(
                Coding(
                    system=_clean(ft1.value(7, 1, 3)) or None,
                    code=code,
                    display=_clean(ft1.value(7, 1, 2)) or None,
                ),
            ),
            text=_clean(ft1.value(7, 1, 2)) or None,
        ),
        subject=Reference(type="Patient", identifier=patient),
        occurrence=_birth_date(ft1, 4, message.locate(ft1, 4)),
        quantity=Quantity(value=quantity),
        price_override=Money(amount=total.amount * _CHARGE_TYPES[kind], currency=total.currency),
    )


def _money(message: Hl7Message, ft1: Segment, field: int, factor: Decimal) -> Money | None:
    """FT1-11/12 (CP: price & currency); ``factor`` turns a unit amount into a total."""
    location = message.locate(ft1, field, 1)
    raw = _clean(ft1.value(field, 1, 1, 1))
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise Hl7MappingError(
            f"{location} is not an amount",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        ) from None
    currency = _clean(ft1.value(field, 1, 1, 2)).upper()
    if len(currency) != 3 or not currency.isalpha() or not amount.is_finite():
        raise Hl7MappingError(
            f"{location} needs an amount and an ISO 4217 currency (amount&USD)",
            location=location,
            condition=ErrorCondition.DATA_TYPE_ERROR,
        )
    return Money(amount=amount * factor, currency=currency)
