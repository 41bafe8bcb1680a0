"""The Odoo side of inbound HL7 v2: idempotent upserts of partners, employees, invoices.

Each operation finds its record by a business key before writing, so running it twice
changes nothing the second time, and a reprocess completes a failed attempt. Only
administrative fields are written (name, reference, contact, address): the canonical
objects handed in carry nothing clinical, and nothing else is read from the message.
Records this object creates are undone when a later step of the same operation fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from healthbridge.canonical.charge import Charge
from healthbridge.canonical.contact import HumanName
from healthbridge.canonical.patient import Patient
from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.hl7v2 import ErrorCondition, ErrorLocation
from healthbridge.mappings.hl7v2.admin import (
    Hl7MappingError,
    PatientMerge,
    StaffUpdate,
    medical_record_number,
)
from healthbridge.mappings.odoo import charge_to_odoo_line_vals
from healthbridge.services.ports import OdooPort, Record

PATIENT_TAG = "Patient"
_ALL = {"active_test": False}


def display_name(names: Sequence[HumanName]) -> str:
    """``Given Middle Family`` of the first name: HL7 puts the legal name first."""
    chosen = names[0]
    return " ".join([*chosen.given, chosen.family or ""]).strip()


class OdooWrites:
    """Writes for one message; ``created`` records are unlinked if a later step fails."""

    def __init__(self, odoo: OdooPort) -> None:
        self._odoo = odoo

    async def upsert_patient(self, patient: Patient) -> int:
        """The res.partner whose ``ref`` is the MRN, created (tagged Patient) or updated."""
        mrn = medical_record_number(list(patient.identifiers))
        assert mrn is not None
        assert mrn.value is not None
        found = await self._odoo.search_read(
            "res.partner", [("ref", "=", mrn.value)], ["id"], order="id asc"
        )
        if len(found) > 1:
            raise Hl7MappingError(
                "more than one Odoo partner holds this MRN",
                location=ErrorLocation("PID", 1, 3, component=1),
                condition=ErrorCondition.DUPLICATE_KEY_IDENTIFIER,
            )
        vals = _partner_vals(patient, mrn.value)
        tag = await self._patient_tag()
        if tag is not None:
            vals["category_id"] = [(4, tag)]
        if found:
            partner_id = int(found[0]["id"])
            await self._odoo.write("res.partner", [partner_id], vals)
            return partner_id
        [partner_id] = await self._odoo.create("res.partner", [vals])
        return partner_id

    async def merge_patients(self, merge: PatientMerge) -> tuple[int, tuple[int, ...]]:
        """A40: invoices move to the survivor, which notes the prior MRN; the prior is archived.

        Returns the survivor's partner id and the ids of the partners merged into it.

        Each step is idempotent and the archive comes last, so a failed attempt leaves
        the prior patient active and findable for the reprocess.
        """
        assert merge.prior.value is not None
        prior = await self._odoo.search_read(
            "res.partner",
            [("ref", "=", merge.prior.value)],
            ["id", "active"],
            context=_ALL,
        )
        if not prior:
            raise Hl7MappingError(
                "MRG-1 names no patient known to Odoo",
                location=ErrorLocation("MRG", 1, 1, component=1),
                condition=ErrorCondition.UNKNOWN_KEY_IDENTIFIER,
            )
        survivor = await self.upsert_patient(merge.survivor)
        prior_ids = [int(row["id"]) for row in prior if int(row["id"]) != survivor]
        if not prior_ids:
            return survivor, ()
        moves = await self._odoo.search_read(
            "account.move", [("partner_id", "in", prior_ids)], ["id"], context=_ALL
        )
        if moves:
            await self._odoo.write(
                "account.move", [int(row["id"]) for row in moves], {"partner_id": survivor}
            )
        await self._note_merged_identifier(survivor, merge)
        await self._odoo.write("res.partner", prior_ids, {"active": False})
        return survivor, tuple(prior_ids)

    async def _note_merged_identifier(self, survivor: int, merge: PatientMerge) -> None:
        note = f"Merged patient identifier: {merge.prior.system or ''} {merge.prior.value}"
        [row] = await self._odoo.read("res.partner", [survivor], ["comment"])
        comment = row.get("comment") or ""
        if note not in comment:
            await self._odoo.write(
                "res.partner", [survivor], {"comment": f"{comment}<p>{note}</p>"}
            )

    async def upsert_employee(self, update: StaffUpdate) -> int:
        """The hr.employee whose ``barcode`` is the staff key (or, failing that, name)."""
        name = display_name(update.practitioner.names)
        found = await self._odoo.search_read(
            "hr.employee", [("barcode", "=", update.key)], ["id"], context=_ALL
        )
        if not found:
            found = await self._odoo.search_read(
                "hr.employee",
                [("name", "=", name), ("barcode", "=", False)],
                ["id"],
                context=_ALL,
            )
        vals: dict[str, Any] = {
            "name": name,
            "barcode": update.key,
            "active": update.action == "upsert" and update.practitioner.active is not False,
        }
        for point in update.practitioner.telecom:
            if point.system == "email" and point.value:
                vals.setdefault("work_email", point.value)
            elif point.system == "phone" and point.value:
                vals.setdefault("work_phone", point.value)
        if found:
            employee_id = int(found[0]["id"])
            await self._odoo.write("hr.employee", [employee_id], vals)
            return employee_id
        [employee_id] = await self._odoo.create("hr.employee", [vals])
        return employee_id

    async def add_charges(self, patient: Patient, charges: Sequence[Charge], marker: str) -> int:
        """One line per charge on the patient's draft invoice; lines already there are skipped.

        ``marker`` + the FT1 set id ends each line label, so a repeat finds its lines.
        New lines go in one call (atomic in Odoo); a partner this call created is
        removed again when that call fails.
        """
        currencies = {charge.price_override.currency for charge in charges if charge.price_override}
        currency_id = await self._currency(currencies)
        found = await self._odoo.search_read(
            "res.partner",
            [("ref", "=", medical_record_number(list(patient.identifiers)).value)],  # type: ignore[union-attr]
            ["id"],
        )
        partner_id = await self.upsert_patient(patient)
        try:
            return await self._invoice_lines(partner_id, currency_id, charges, marker)
        except HealthbridgeError:
            if not found:
                await self._undo("res.partner", partner_id)
            raise

    async def _invoice_lines(
        self, partner_id: int, currency_id: int | None, charges: Sequence[Charge], marker: str
    ) -> int:
        domain: list[Any] = [
            ("partner_id", "=", partner_id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "draft"),
        ]
        if currency_id is not None:
            domain.append(("currency_id", "=", currency_id))
        drafts = await self._odoo.search_read(
            "account.move", domain, ["id"], order="id asc", limit=1
        )
        lines = [_line(charge, marker) for charge in charges]
        if drafts:
            move_id = int(drafts[0]["id"])
            existing = await self._odoo.search_read(
                "account.move.line",
                [("move_id", "=", move_id), ("name", "like", marker)],
                ["name"],
            )
            seen = {str(row["name"]) for row in existing}
            new = [line for line in lines if line["name"] not in seen]
            if new:
                commands = [(0, 0, line) for line in new]
                await self._odoo.write("account.move", [move_id], {"invoice_line_ids": commands})
            return move_id
        vals: dict[str, Any] = {
            "move_type": "out_invoice",
            "partner_id": partner_id,
            "invoice_line_ids": [(0, 0, line) for line in lines],
        }
        if currency_id is not None:
            vals["currency_id"] = currency_id
        [move_id] = await self._odoo.create("account.move", [vals])
        return move_id

    async def _currency(self, codes: set[str]) -> int | None:
        if not codes:
            return None
        if len(codes) > 1:
            raise Hl7MappingError(
                "all FT1 amounts of one message must share a currency",
                location=ErrorLocation("FT1", 1, 11, component=1),
                condition=ErrorCondition.DATA_TYPE_ERROR,
            )
        [code] = codes
        rows = await self._odoo.search_read("res.currency", [("name", "=", code)], ["id"])
        if not rows:
            raise Hl7MappingError(
                "FT1-11 names a currency Odoo does not know",
                location=ErrorLocation("FT1", 1, 11, component=1),
                condition=ErrorCondition.TABLE_VALUE_NOT_FOUND,
            )
        return int(rows[0]["id"])

    async def _patient_tag(self) -> int | None:
        rows: list[Record] = await self._odoo.search_read(
            "res.partner.category", [("name", "=", PATIENT_TAG)], ["id"], limit=1
        )
        return int(rows[0]["id"]) if rows else None

    async def _undo(self, model: str, record_id: int) -> None:
        """Best effort: the original error is what the sender must hear about."""
        with contextlib.suppress(HealthbridgeError):
            await self._odoo.unlink(model, [record_id])


def _partner_vals(patient: Patient, mrn: str) -> dict[str, Any]:
    vals: dict[str, Any] = {"name": display_name(patient.names), "ref": mrn, "active": True}
    for point in patient.telecom:
        if point.system == "email" and point.value:
            vals.setdefault("email", point.value)
        elif point.system == "phone" and point.value:
            vals.setdefault("phone", point.value)
    if patient.addresses:
        address = patient.addresses[0]
        lines = list(address.lines)
        vals["street"] = lines[0] if lines else False
        vals["street2"] = lines[1] if len(lines) > 1 else False
        vals["city"] = address.city or False
        vals["zip"] = address.postal_code or False
    return vals


def _line(charge: Charge, marker: str) -> dict[str, Any]:
    """The charge's line vals, its label ending in the marker and FT1 set id (the key)."""
    reference = charge.identifiers[0].value if charge.identifiers else ""
    set_id = (reference or "").rsplit("/", 1)[-1]
    vals = charge_to_odoo_line_vals(charge)
    vals["name"] = f"{vals['name']} {marker}{set_id}]"
    return vals
