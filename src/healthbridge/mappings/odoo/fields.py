"""The Odoo fields each mapper reads, per model: pass them to search_read as ``fields``.

Reading only these keeps rows small (search_read without ``fields`` returns every field,
computed ones included) and keeps the mappers honest: a test reads the demo data with
exactly these and maps every row.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_LINE = ("id", "sequence", "product_id", "name", "price_unit", "product_uom_id")

FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "res.partner": (
            "id",
            "name",
            "active",
            "is_company",
            "category_id",
            "supplier_rank",
            "ref",
            "vat",
            "company_registry",
            "barcode",
            "email",
            "phone",
            "website",
            "street",
            "street2",
            "zip",
            "city",
            "country_id",
            "parent_id",
        ),
        "res.partner.category": ("id", "name"),
        "uom.uom": ("id", "name"),
        "product.product": (
            "id",
            "name",
            "default_code",
            "barcode",
            "type",
            "uom_id",
            "list_price",
            "active",
        ),
        "stock.lot": ("id", "name", "ref", "product_id", "expiration_date"),
        "stock.quant": (
            "id",
            "product_id",
            "location_id",
            "lot_id",
            "quantity",
            "reserved_quantity",
            "write_date",
        ),
        "stock.location": (
            "id",
            "name",
            "complete_name",
            "usage",
            "location_id",
            "barcode",
            "active",
        ),
        "purchase.order": (
            "id",
            "name",
            "partner_ref",
            "partner_id",
            "state",
            "priority",
            "date_order",
            "date_planned",
            "currency_id",
        ),
        "purchase.order.line": (*_LINE, "order_id", "product_qty", "currency_id"),
        "sale.order": (
            "id",
            "name",
            "client_order_ref",
            "partner_id",
            "state",
            "date_order",
            "currency_id",
            "amount_total",
        ),
        "sale.order.line": (*_LINE, "order_id", "product_uom_qty"),
        "account.move": (
            "id",
            "name",
            "ref",
            "move_type",
            "state",
            "payment_state",
            "partner_id",
            "invoice_date",
            "date",
            "company_id",
            "currency_id",
            "amount_untaxed",
            "amount_total",
        ),
        "account.move.line": (
            *_LINE,
            "move_id",
            "quantity",
            "price_subtotal",
            "display_type",
        ),
        "account.payment": (
            "id",
            "name",
            "partner_id",
            "company_id",
            "amount",
            "payment_type",
            "state",
            "memo",
            "date",
            "currency_id",
            "invoice_ids",
        ),
        "hr.employee": (
            "id",
            "name",
            "active",
            "barcode",
            "work_email",
            "work_phone",
            "mobile_phone",
        ),
    }
)
"""Odoo model -> the fields its mapper (or the lines of its document) reads."""
