"""Tables for the inventory read model: stocked products and their quants.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "read_products",
        sa.Column("product_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("default_code", sa.String(128), nullable=True),
        sa.Column("barcode", sa.String(128), nullable=True),
        sa.Column("uom", sa.String(128), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("product_id", name="pk_read_products"),
    )
    op.create_index("ix_read_products_barcode", "read_products", ["barcode"])
    op.create_index("ix_read_products_default_code", "read_products", ["default_code"])
    op.create_table(
        "read_quants",
        sa.Column("quant_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=False),
        sa.Column("location_name", sa.String(512), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=True),
        sa.Column("lot_name", sa.String(256), nullable=True),
        sa.Column("expiry", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("reserved", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("quant_id", name="pk_read_quants"),
    )
    op.create_index("ix_read_quants_product_id", "read_quants", ["product_id"])
    op.create_index("ix_read_quants_location_id", "read_quants", ["location_id"])
    op.create_index("ix_read_quants_lot_id", "read_quants", ["lot_id"])


def downgrade() -> None:
    op.drop_index("ix_read_quants_lot_id", table_name="read_quants")
    op.drop_index("ix_read_quants_location_id", table_name="read_quants")
    op.drop_index("ix_read_quants_product_id", table_name="read_quants")
    op.drop_table("read_quants")
    op.drop_index("ix_read_products_default_code", table_name="read_products")
    op.drop_index("ix_read_products_barcode", table_name="read_products")
    op.drop_table("read_products")
