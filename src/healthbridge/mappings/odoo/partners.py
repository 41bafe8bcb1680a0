"""``res.partner`` <-> Organization (by role) and Patient (billing data only).

Roles come from the partner's tags (Facility, Payer, Supplier, Laboratory, Pharmacy) and
from ``supplier_rank`` (a partner Odoo buys from is a supplier). A partner tagged Patient
is a patient: its ``ref`` is the MRN the demo data and hospitals put there. Odoo keeps
no birth date, gender or clinical fact on a partner, and the vals written back carry only
administrative fields, passed through :func:`strip_clinical` as a second line.

Not carried (read or written): ``comment``, ``lang``, ``tz``, ``function``, child
contacts, ``company_id``, geo coordinates. Written vals leave out ``country_id`` (an
address names its country, not an Odoo id) and ``customer_rank``/``supplier_rank``
(Odoo's own counters).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from healthbridge.canonical.coding import Concept
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.organization import Organization
from healthbridge.canonical.patient import Patient
from healthbridge.mappings.clinical import strip_clinical
from healthbridge.mappings.odoo.contact import (
    address_vals,
    read_address,
    read_telecom,
    telecom_vals,
)
from healthbridge.mappings.odoo.related import NO_RELATED, OdooRelated
from healthbridge.mappings.odoo.systems import (
    IDENTIFIER_TYPE_SYSTEM,
    identifier_type,
    odoo_field_system,
)
from healthbridge.mappings.odoo.wire import (
    RowReader,
    build,
    identifier_value,
    nonempty,
    reference_id,
)

PARTNER = "res.partner"
PATIENT_TAG = "Patient"
ROLE_TAGS: Mapping[str, str] = MappingProxyType(
    {
        "Facility": "facility",
        "Laboratory": "lab",
        "Payer": "payer",
        "Pharmacy": "pharmacy",
        "Supplier": "supplier",
    }
)
"""Partner tag name -> organisation role."""

REF_SYSTEM = odoo_field_system(PARTNER, "ref")
VAT_SYSTEM = odoo_field_system(PARTNER, "vat")
REGISTRY_SYSTEM = odoo_field_system(PARTNER, "company_registry")
BARCODE_SYSTEM = odoo_field_system(PARTNER, "barcode")
_TELECOM = (("email", "email", None), ("phone", "phone", None), ("website", "url", None))
_KEYS = (
    ("ref", REF_SYSTEM, None),
    ("vat", VAT_SYSTEM, "TAX"),
    ("company_registry", REGISTRY_SYSTEM, None),
    ("barcode", BARCODE_SYSTEM, None),
)


@lru_cache(maxsize=16)
def _identifier_type(code: str) -> Concept:
    """:func:`identifier_type` validated once per code (a handful: ``MR``, ``TAX``)."""
    return Concept.model_validate(identifier_type(code))


def partner_tags(row: Mapping[str, Any], related: OdooRelated | None = None) -> tuple[str, ...]:
    """The names of the partner's tags that ``related`` knows."""
    reader = RowReader(row, PARTNER)
    names = (related or NO_RELATED).partner_tags
    return tuple(names[i] for i in reader.ids("category_id") if i in names)


def is_patient(row: Mapping[str, Any], related: OdooRelated | None = None) -> bool:
    """True when the partner is tagged Patient (so it maps to Patient, not Organization)."""
    return PATIENT_TAG in partner_tags(row, related)


def _identifiers(reader: RowReader, record_id: int, mrn: bool) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = [{"system": odoo_system(PARTNER), "value": str(record_id)}]
    for field, system, type_code in _KEYS:
        value = reader.text(field)
        if value is None:
            continue
        code = "MR" if mrn and field == "ref" else type_code
        out.append(
            {"system": system, "value": value, "type": _identifier_type(code)}
            if code
            else {"system": system, "value": value}
        )
    return tuple(out)


def odoo_to_organization(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> Organization:
    """The Organization a ``res.partner`` row describes, with its roles and Odoo identifier."""
    reader = RowReader(row, PARTNER)
    record_id = reader.id()
    tags = partner_tags(row, related)
    roles = [ROLE_TAGS[t] for t in tags if t in ROLE_TAGS]
    if (reader.integer("supplier_rank") or 0) > 0:
        roles.append("supplier")
    address = read_address(reader, "work")
    data = nonempty(
        identifiers=_identifiers(reader, record_id, mrn=False),
        active=reader.boolean("active"),
        roles=tuple(roles),
        name=reader.text("name"),
        telecom=read_telecom(reader, _TELECOM),
        addresses=(address,) if address else (),
        part_of=reader.reference("parent_id", PARTNER, "Organization"),
    )
    return build(Organization, data, PARTNER)


def odoo_to_patient(row: Mapping[str, Any], *, related: OdooRelated | None = None) -> Patient:
    """The Patient (billing party) a ``res.partner`` row describes; ``ref`` is the MRN."""
    del related  # the patient tag is what chose this mapper; nothing else is needed
    reader = RowReader(row, PARTNER)
    record_id = reader.id()
    name = reader.text("name")
    address = read_address(reader, "home")
    data = nonempty(
        identifiers=_identifiers(reader, record_id, mrn=True),
        active=reader.boolean("active"),
        names=({"text": name},) if name else (),
        telecom=read_telecom(reader, _TELECOM),
        addresses=(address,) if address else (),
    )
    return build(Patient, data, PARTNER)


def _key_vals(identifiers: Any) -> dict[str, Any]:
    return nonempty(**{field: identifier_value(identifiers, system) for field, system, _ in _KEYS})


def organization_to_odoo_vals(
    organization: Organization, *, related: OdooRelated | None = None
) -> dict[str, Any]:
    """Vals to create or write the partner: name, keys, address, contact data, role tags.

    ``category_id`` is set (replacing all tags) only when ``related`` knows the tag of every
    role; ``parent_id`` only when ``part_of`` names an Odoo partner.
    """
    known = related or NO_RELATED
    vals: dict[str, Any] = {"is_company": True, **_key_vals(organization.identifiers)}
    vals.update(nonempty(name=organization.name, active=organization.active))
    vals.update(address_vals(organization.addresses[0] if organization.addresses else None))
    vals.update(telecom_vals(organization.telecom, _TELECOM))
    parent = reference_id(organization.part_of, PARTNER)
    if parent is not None:
        vals["parent_id"] = parent
    tag_names = {role: tag for tag, role in ROLE_TAGS.items()}
    tag_ids = [known.tag_id(tag_names[role]) for role in organization.roles]
    if organization.roles and None not in tag_ids:
        vals["category_id"] = [(6, 0, sorted({i for i in tag_ids if i is not None}))]
    return _administrative(vals)


def patient_to_odoo_vals(patient: Patient, *, related: OdooRelated | None = None) -> dict[str, Any]:
    """Vals for the patient's billing partner: name, MRN as ``ref``, address, contact data.

    Only administrative fields: gender, birth date, death, marital status and general
    practitioners have no place in Odoo and are never written. The MRN is the ``ref``
    identifier, else the first identifier typed ``MR``. The Patient tag is set when
    ``related`` knows it.
    """
    vals: dict[str, Any] = {"is_company": False, **_key_vals(patient.identifiers)}
    if "ref" not in vals:
        mrn = next(
            (
                i.value
                for i in patient.identifiers
                if i.type and i.type.code_in(IDENTIFIER_TYPE_SYSTEM) == "MR" and i.value
            ),
            None,
        )
        if mrn is not None:
            vals["ref"] = mrn
    vals.update(nonempty(name=_display_name(patient), active=patient.active))
    vals.update(address_vals(patient.addresses[0] if patient.addresses else None))
    vals.update(telecom_vals(patient.telecom, _TELECOM))
    tag = (related or NO_RELATED).tag_id(PATIENT_TAG)
    if tag is not None:
        vals["category_id"] = [(6, 0, [tag])]
    return _administrative(vals)


def _display_name(patient: Patient) -> str | None:
    for name in patient.names:
        if name.text:
            return name.text
        parts = [*name.prefix, *name.given, name.family or "", *name.suffix]
        joined = " ".join(p for p in parts if p)
        if joined:
            return joined
    return None


def _administrative(vals: dict[str, Any]) -> dict[str, Any]:
    kept, _dropped = strip_clinical(vals)
    return dict(kept)
