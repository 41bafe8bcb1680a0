"""``res.partner`` and its tags: facilities, payers, suppliers, labs, pharmacies, patients.

Two behaviours matter on the wire. A contact without a name is refused with Odoo's check
constraint text. Writing a partner syncs the address (and the VAT, a commercial field)
down to its contacts, and those contacts then fire automation rules too, which is why a
write on a company with three contacts produced five webhook posts on a real server.
"""

from __future__ import annotations

from typing import Any, ClassVar

from healthbridge.sandbox.odoo.exceptions import ValidationError
from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.environment import Change
from healthbridge.sandbox.odoo.orm.hierarchy import check_recursion, path_names
from healthbridge.sandbox.odoo.orm.model import BaseModel
from healthbridge.sandbox.odoo.orm.writing import write_records

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "country_id")
COMMERCIAL_FIELDS = ("vat",)
LANGUAGES = [("en_US", "English (US)")]
ADDRESS_TYPES = [
    ("contact", "Contact"),
    ("invoice", "Invoice Address"),
    ("delivery", "Delivery Address"),
    ("other", "Other Address"),
]


class ResPartnerCategory(BaseModel):
    _name = "res.partner.category"
    _description = "Partner Tags"
    _order = "name, id"
    _recursion_message = "You can not create recursive tags."

    name = fields.Char("Name", required=True)
    color = fields.Integer("Color")
    parent_id = fields.Many2one("res.partner.category", "Parent Category", ondelete="cascade")
    active = fields.Boolean("Active", default=True)

    def _compute_display_name(self) -> dict[int, Any]:
        return path_names(self, "name", " / ")

    def _check_constraints(self, names: set[str]) -> None:
        if "parent_id" in names:
            check_recursion(self, "parent_id")


class ResPartner(BaseModel):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    _rec_name = "complete_name"
    _rec_names_search = ("complete_name", "email", "ref", "vat")
    _recursion_message = "You cannot create recursive Partner hierarchies."
    _webhook_create_fires: ClassVar[int] = 13

    name = fields.Char("Name")
    complete_name = fields.Char("Complete Name", compute="_compute_complete_name", store=True)
    type = fields.Selection(ADDRESS_TYPES, "Address Type", default="contact")
    is_company = fields.Boolean("Is a Company", default=False)
    company_type = fields.Selection(
        [("person", "Person"), ("company", "Company")],
        "Company Type",
        compute="_compute_company_type",
        inverse="_inverse_company_type",
    )
    parent_id = fields.Many2one("res.partner", "Related Company")
    child_ids = fields.One2many("res.partner", "parent_id", "Contact")
    commercial_partner_id = fields.Many2one(
        "res.partner", "Commercial Entity", compute="_compute_commercial_partner", store=True
    )
    category_id = fields.Many2many("res.partner.category", "Tags")
    function = fields.Char("Job Position")
    email = fields.Char("Email")
    phone = fields.Char("Phone")
    website = fields.Char("Website Link")
    ref = fields.Char("Reference")
    vat = fields.Char("Tax ID")
    company_registry = fields.Char("Company ID")
    barcode = fields.Char("Barcode")
    street = fields.Char("Street")
    street2 = fields.Char("Street2")
    zip = fields.Char("Zip")
    city = fields.Char("City")
    country_id = fields.Many2one("res.country", "Country", ondelete="restrict")
    comment = fields.Html("Notes")
    lang = fields.Selection(LANGUAGES, "Language", default="en_US")
    tz = fields.Char("Timezone")
    date = fields.Date("Date")
    active = fields.Boolean("Active", default=True)
    customer_rank = fields.Integer("Customer Rank")
    supplier_rank = fields.Integer("Supplier Rank")
    partner_latitude = fields.Float("Geo Latitude", digits=(10, 7))
    partner_longitude = fields.Float("Geo Longitude", digits=(10, 7))
    company_id = fields.Many2one("res.company", "Company")

    @classmethod
    def _webhook_write_fires(cls, written: frozenset[str]) -> int:
        # Observed: a write re-fires through a stored recomputation, except a lone comment.
        return 1 if written <= {"comment"} else 2

    def _commercial(self) -> dict[int, int]:
        rows = self._rows
        result: dict[int, int] = {}
        for record_id in self.ids:
            current, seen = record_id, {record_id}
            while not rows[current]["is_company"] and rows[current]["parent_id"] in rows:
                parent = rows[current]["parent_id"]
                if parent in seen:
                    break
                seen.add(parent)
                current = parent
            result[record_id] = current
        return result

    def _compute_commercial_partner(self) -> dict[int, Any]:
        return self._commercial()

    def _compute_company_type(self) -> dict[int, Any]:
        rows = self._rows
        return {i: "company" if rows[i]["is_company"] else "person" for i in self.ids}

    def _inverse_company_type(self, value: Any) -> dict[str, Any]:
        return {"is_company": value == "company"}

    def _compute_complete_name(self) -> dict[int, Any]:
        rows = self._rows
        labels = dict(ADDRESS_TYPES)
        commercial = self._commercial()
        result: dict[int, Any] = {}
        for record_id in self.ids:
            row = rows[record_id]
            name = row["name"] or ""
            parent = rows.get(row["parent_id"]) if row["parent_id"] is not None else None
            if parent is not None:
                if not name and row["type"] != "contact":
                    name = labels.get(row["type"], "")
                if not row["is_company"]:
                    top = rows[commercial[record_id]]
                    prefix = top["name"] if top["is_company"] and top is not row else parent["name"]
                    name = f"{prefix or ''}, {name}"
            result[record_id] = name.strip() or None
        return result

    def _compute_display_name(self) -> dict[int, Any]:
        return self._compute_complete_name()

    def _check_constraints(self, names: set[str]) -> None:
        rows = self._rows
        if names & {"name", "type"}:
            for record_id in self.ids:
                if rows[record_id]["type"] == "contact" and not rows[record_id]["name"]:
                    raise ValidationError(
                        "The operation cannot be completed: Contacts require a name"
                    )
        if "parent_id" in names:
            check_recursion(self, "parent_id")

    def _inherited_address(self, parent_id: int) -> dict[str, Any]:
        parent = self._rows[parent_id]
        values = {name: parent[name] for name in ADDRESS_FIELDS}
        values.update(
            {name: parent[name] for name in COMMERCIAL_FIELDS if parent[name] is not None}
        )
        return values

    def _after_create(self, vals_list: list[dict[str, Any]]) -> None:
        journal = self.env.transaction.journal
        for record_id, vals in zip(self.ids, vals_list, strict=True):
            row = self._rows[record_id]
            if row["parent_id"] is None or row["type"] != "contact" or row["is_company"]:
                continue
            inherited = self._inherited_address(row["parent_id"])
            if any(vals.get(name) for name in ADDRESS_FIELDS):
                inherited = {
                    name: value for name, value in inherited.items() if name not in ADDRESS_FIELDS
                }
            journal.update(self._name, record_id, inherited)

    def _after_write(self, vals: dict[str, Any]) -> None:
        journal = self.env.transaction.journal
        if vals.get("parent_id"):
            for record_id in self.ids:
                row = self._rows[record_id]
                if row["type"] == "contact" and row["parent_id"] is not None:
                    journal.update(self._name, record_id, self._inherited_address(row["parent_id"]))
        synced = {name: vals[name] for name in ADDRESS_FIELDS + COMMERCIAL_FIELDS if name in vals}
        children = self._values("child_ids")
        rows = self._rows
        for record_id in self.ids:
            contacts = [
                c
                for c in children[record_id]
                if rows[c]["type"] == "contact" and not rows[c]["is_company"]
            ]
            if not contacts:
                continue
            if synced:
                write_records(self.sudo().browse(contacts), synced, synced=True)
                continue
            # Odoo still runs the contacts through a sync write: rules without trigger fields fire.
            for contact in contacts:
                self.env.transaction.changes.append(
                    Change("write", self._name, contact, frozenset(), frozenset(), synced=True)
                )
