"""Odoo <-> canonical mappings: pure functions over rows exactly as search_read returns them.

Readers (``odoo_to_*``) take one row (many2one as ``[id, name]``, empty as ``False``,
UTC datetimes as strings) plus optional :class:`OdooRelated` data (tag names, company
currency, line rows) and return a canonical object carrying the Odoo record identifier,
or raise :class:`OdooMappingError` naming the Odoo model and field. Writers
(``*_to_odoo_vals``) give create/write vals with administrative fields only. ``FIELDS``
names the fields each reader needs, to pass to search_read.
"""

from healthbridge.mappings.odoo.charges import charge_to_odoo_line_vals, odoo_to_charge
from healthbridge.mappings.odoo.deliveries import odoo_to_supply_delivery
from healthbridge.mappings.odoo.employees import odoo_to_practitioner, practitioner_to_odoo_vals
from healthbridge.mappings.odoo.errors import OdooMappingError
from healthbridge.mappings.odoo.fields import FIELDS
from healthbridge.mappings.odoo.invoice_vals import invoice_to_odoo_vals, looks_clinical
from healthbridge.mappings.odoo.invoices import odoo_to_invoice, odoo_to_payment
from healthbridge.mappings.odoo.order_vals import supply_order_to_odoo_vals
from healthbridge.mappings.odoo.orders import odoo_to_service_order, odoo_to_supply_order
from healthbridge.mappings.odoo.partners import (
    PATIENT_TAG,
    ROLE_TAGS,
    is_patient,
    odoo_to_organization,
    odoo_to_patient,
    organization_to_odoo_vals,
    partner_tags,
    patient_to_odoo_vals,
)
from healthbridge.mappings.odoo.payment_vals import payment_to_odoo_vals
from healthbridge.mappings.odoo.products import (
    lot_to_odoo_vals,
    odoo_to_lot,
    odoo_to_product,
    product_to_odoo_vals,
)
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.stock import odoo_to_location, odoo_to_stock_level
from healthbridge.mappings.odoo.systems import ODOO_FIELD_SYSTEM_PREFIX, odoo_field_system

__all__ = [
    "FIELDS",
    "ODOO_FIELD_SYSTEM_PREFIX",
    "PATIENT_TAG",
    "ROLE_TAGS",
    "OdooMappingError",
    "OdooRelated",
    "charge_to_odoo_line_vals",
    "invoice_to_odoo_vals",
    "is_patient",
    "looks_clinical",
    "lot_to_odoo_vals",
    "odoo_field_system",
    "odoo_to_charge",
    "odoo_to_invoice",
    "odoo_to_location",
    "odoo_to_lot",
    "odoo_to_organization",
    "odoo_to_patient",
    "odoo_to_payment",
    "odoo_to_practitioner",
    "odoo_to_product",
    "odoo_to_service_order",
    "odoo_to_stock_level",
    "odoo_to_supply_delivery",
    "odoo_to_supply_order",
    "organization_to_odoo_vals",
    "partner_tags",
    "patient_to_odoo_vals",
    "payment_to_odoo_vals",
    "practitioner_to_odoo_vals",
    "product_to_odoo_vals",
    "supply_order_to_odoo_vals",
]
