"""The company, its users, and the reference data every address and price points at."""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm import fields
from healthbridge.sandbox.odoo.orm.model import BaseModel, api_model

DEFAULT_TZ = "Europe/Brussels"


def company_currency(env: Any) -> int | bool:
    """The main company's currency: the default of every document's ``currency_id``."""
    company = env.store.tables["res.company"].rows.get(1)
    return company["currency_id"] if company else False


class ResCurrency(BaseModel):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"

    name = fields.Char("Currency", required=True)
    full_name = fields.Char("Name")
    symbol = fields.Char("Symbol", required=True)
    rounding = fields.Float("Rounding Factor", default=0.01)
    decimal_places = fields.Integer("Decimal Places", default=2)
    position = fields.Selection(
        [("after", "After Amount"), ("before", "Before Amount")], "Symbol Position", default="after"
    )
    active = fields.Boolean("Active", default=True)


class ResCountry(BaseModel):
    _name = "res.country"
    _description = "Country"
    _order = "name, id"
    _rec_names_search = ("name", "code")

    name = fields.Char("Country Name", required=True)
    code = fields.Char("Country Code")
    phone_code = fields.Integer("Country Calling Code")
    currency_id = fields.Many2one("res.currency", "Currency")


class ResCompany(BaseModel):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"

    name = fields.Char("Company Name", required=True)
    sequence = fields.Integer("Sequence", default=10)
    partner_id = fields.Many2one("res.partner", "Partner", required=True, ondelete="restrict")
    currency_id = fields.Many2one("res.currency", "Currency", required=True)
    email = fields.Char("Email")
    phone = fields.Char("Phone")
    website = fields.Char("Website")
    vat = fields.Char("Tax ID")
    company_registry = fields.Char("Company ID")
    street = fields.Char("Street")
    city = fields.Char("City")
    zip = fields.Char("Zip")
    country_id = fields.Many2one("res.country", "Country")
    active = fields.Boolean("Active", default=True)


class ResUsers(BaseModel):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _rec_names_search = ("name", "login")

    name = fields.Char("Name", required=True)
    login = fields.Char("Login", required=True)
    partner_id = fields.Many2one(
        "res.partner", "Related Partner", required=True, ondelete="restrict"
    )
    email = fields.Char("Email")
    company_id = fields.Many2one("res.company", "Company", default=1)
    tz = fields.Char("Timezone", default=DEFAULT_TZ)
    lang = fields.Char("Language", default="en_US")
    share = fields.Boolean("Share User")
    active = fields.Boolean("Active", default=True)

    @api_model
    def context_get(self) -> dict[str, Any]:
        """The caller's context: how a JSON-2 client learns its own uid."""
        row = self.env.store.tables[self._name].rows.get(self.env.uid)
        tz = (row or {}).get("tz") or DEFAULT_TZ
        lang = (row or {}).get("lang") or "en_US"
        return {"lang": lang, "tz": tz, "uid": self.env.uid}
