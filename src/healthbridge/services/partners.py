"""Partners by external identifier: find one, and upsert facilities, payers, suppliers, patients.

Odoo has no table of foreign identifiers on a partner, only key fields: ``ref``, ``vat``,
``company_registry`` and ``barcode``. So an identifier ``system|value`` is placed like this:
the Odoo record system (``urn:healthbridge:odoo:res.partner``) names the id; a field system
(``urn:healthbridge:odoo-field:res.partner:vat``) names that field; any other system (an
EHR's MRN system, a payer id system) is kept in ``ref``, the field the HL7 inbound flow
already uses for the MRN. Two systems with the same value would collide in ``ref``: the
upsert refuses to touch a partner of another kind rather than merge them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from healthbridge.canonical.contact import Address, ContactPoint, HumanName
from healthbridge.canonical.identifiers import ODOO_SYSTEM_PREFIX, Identifier, odoo_system
from healthbridge.canonical.organization import Organization
from healthbridge.canonical.patient import Patient
from healthbridge.core.errors import ConflictError, InvalidRequestError, NotFoundError
from healthbridge.mappings.odoo import (
    FIELDS,
    PATIENT_TAG,
    OdooRelated,
    organization_to_odoo_vals,
    patient_to_odoo_vals,
)
from healthbridge.mappings.odoo.systems import ODOO_FIELD_SYSTEM_PREFIX
from healthbridge.services.ports import Domain, OdooPort, Record

PARTNER = "res.partner"
KEY_FIELDS = ("ref", "vat", "company_registry", "barcode")
_ALL = {"active_test": False}

PartnerKind = Literal["facility", "payer", "supplier", "lab", "pharmacy", "patient"]


def parse_ref(ref: str) -> tuple[str | None, str]:
    """``system|value`` as a pair; a bare value (an Odoo partner ref) has no system."""
    system, sep, value = ref.rpartition("|")
    if not sep:
        return None, ref
    return (system or None), value


def partner_domain(system: str | None, value: str) -> Domain:
    """The ``res.partner`` domain that finds the partner an identifier names."""
    if not value:
        raise InvalidRequestError("an identifier needs a value")
    if system == odoo_system(PARTNER):
        if not value.isdigit():
            raise InvalidRequestError("an Odoo partner identifier is a record id (digits)")
        return [("id", "=", int(value))]
    if system and system.startswith(ODOO_FIELD_SYSTEM_PREFIX):
        model, _, field = system.removeprefix(ODOO_FIELD_SYSTEM_PREFIX).rpartition(":")
        if model != PARTNER or field not in KEY_FIELDS:
            raise InvalidRequestError(
                "this Odoo field system does not name a partner key field",
                details={"key_fields": list(KEY_FIELDS)},
            )
        return [(field, "=", value)]
    if system and system.startswith(ODOO_SYSTEM_PREFIX):
        raise InvalidRequestError("this Odoo record system does not name a partner")
    return [("ref", "=", value)]


def key_field(system: str | None) -> str | None:
    """The partner field an identifier of ``system`` is written to (None: the record id)."""
    if system == odoo_system(PARTNER):
        return None
    if system and system.startswith(ODOO_FIELD_SYSTEM_PREFIX):
        return system.rpartition(":")[2]
    return "ref"


async def find_partner(
    odoo: OdooPort, system: str | None, value: str, fields: tuple[str, ...] = ("id",)
) -> Record:
    """The one partner the identifier names (archived ones too); NotFound or Conflict if not one."""
    rows = await odoo.search_read(
        PARTNER, partner_domain(system, value), list(fields), limit=2, context=_ALL
    )
    if not rows:
        raise NotFoundError("no partner has this identifier", details={"model": PARTNER})
    if len(rows) > 1:
        raise ConflictError("more than one partner has this identifier", details={"model": PARTNER})
    return rows[0]


@dataclass(frozen=True, slots=True)
class PartnerDetails:
    """What a caller states about a partner; the identifier comes from the URL."""

    kind: PartnerKind
    name: str
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class UpsertedPartner:
    """The partner after the upsert, as Odoo now holds it."""

    partner_id: int
    created: bool
    kind: PartnerKind
    name: str
    email: str | None
    phone: str | None
    street: str | None
    city: str | None
    postal_code: str | None
    active: bool


class Partners:
    """Partner upserts by external identifier, through the Odoo partner writers."""

    def __init__(self, odoo: OdooPort) -> None:
        self._odoo = odoo

    async def upsert(self, system: str, value: str, details: PartnerDetails) -> UpsertedPartner:
        """Create the partner this identifier names, or update it; never a second one."""
        domain = partner_domain(system, value)
        found = await self._odoo.search_read(
            PARTNER, domain, ["id", "category_id"], limit=2, context=_ALL
        )
        if len(found) > 1:
            raise ConflictError("more than one partner has this identifier")
        related = await self._related()
        vals = self._vals(system, value, details, related)
        if found:
            partner_id = int(found[0]["id"])
            await self._check_kind(found[0], details.kind, related)
            await self._odoo.write(PARTNER, [partner_id], vals)
            created = False
        else:
            if key_field(system) is None:
                raise NotFoundError("no partner has this Odoo id: create it by a business key")
            [partner_id] = await self._odoo.create(PARTNER, [vals])
            created = True
        [row] = await self._odoo.read(PARTNER, [partner_id], list(FIELDS[PARTNER]), context=_ALL)
        return UpsertedPartner(
            partner_id=partner_id,
            created=created,
            kind=details.kind,
            name=str(row.get("name") or ""),
            email=row.get("email") or None,
            phone=row.get("phone") or None,
            street=row.get("street") or None,
            city=row.get("city") or None,
            postal_code=row.get("zip") or None,
            active=bool(row.get("active")),
        )

    def _vals(
        self, system: str, value: str, details: PartnerDetails, related: OdooRelated
    ) -> dict[str, Any]:
        telecom = tuple(
            ContactPoint(system=kind, value=point)
            for kind, point in (("email", details.email), ("phone", details.phone))
            if point
        )
        address = (
            Address(
                lines=(details.street,) if details.street else (),
                city=details.city,
                postal_code=details.postal_code,
            ),
        )
        field = key_field(system)
        identifiers: tuple[Identifier, ...] = ()
        if field is not None:
            identifiers = (
                Identifier(system=f"{ODOO_FIELD_SYSTEM_PREFIX}{PARTNER}:{field}", value=value),
            )
        if details.kind == "patient":
            patient = Patient(
                identifiers=identifiers,
                active=details.active,
                names=(HumanName(text=details.name),),
                telecom=telecom,
                addresses=address,
            )
            vals = patient_to_odoo_vals(patient, related=related)
        else:
            organization = Organization(
                identifiers=identifiers,
                active=details.active,
                roles=(details.kind,),
                name=details.name,
                telecom=telecom,
                addresses=address,
            )
            vals = organization_to_odoo_vals(organization, related=related)
        vals["active"] = details.active
        return vals

    async def _check_kind(self, row: Record, kind: PartnerKind, related: OdooRelated) -> None:
        tags = {related.partner_tags.get(int(i)) for i in row.get("category_id") or []}
        if (kind == "patient") != (PATIENT_TAG in tags) and tags - {None}:
            raise ConflictError(
                "this identifier names a partner of another kind (patient vs organisation)",
                details={"kind": kind},
            )

    async def _related(self) -> OdooRelated:
        rows = await self._odoo.search_read("res.partner.category", [], ["id", "name"])
        return OdooRelated(partner_tags={int(r["id"]): str(r["name"]) for r in rows})
