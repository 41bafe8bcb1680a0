"""Tables of the inventory read model: stocked products and their quants, per location and lot.

A product and its quants are replaced together, so ``read_products.refreshed_at`` is the
moment every quant row of that product was last confirmed from Odoo: the age the
availability route states. Lot names, expiry and location names are copied onto the quant
rows so a read needs no join.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, String, Table

from healthbridge.store.schema import UTCDateTime, metadata

read_products = Table(
    "read_products",
    metadata,
    Column("product_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(512), nullable=False),
    Column("default_code", String(128), nullable=True),
    Column("barcode", String(128), nullable=True),
    Column("uom", String(128), nullable=True),
    Column("refreshed_at", UTCDateTime, nullable=False),
    Index("ix_read_products_barcode", "barcode"),
    Index("ix_read_products_default_code", "default_code"),
)

read_quants = Table(
    "read_quants",
    metadata,
    Column("quant_id", BigInteger, primary_key=True, autoincrement=False),
    Column("product_id", BigInteger, nullable=False),
    Column("location_id", BigInteger, nullable=False),
    Column("location_name", String(512), nullable=False),
    Column("lot_id", BigInteger, nullable=True),
    Column("lot_name", String(256), nullable=True),
    Column("expiry", UTCDateTime, nullable=True),
    Column("quantity", Float, nullable=False),
    Column("reserved", Float, nullable=False),
    Index("ix_read_quants_product_id", "product_id"),
    Index("ix_read_quants_location_id", "location_id"),
    Index("ix_read_quants_lot_id", "lot_id"),
)
