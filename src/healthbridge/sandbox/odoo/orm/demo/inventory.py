"""Demo products, facility warehouses with their wards, lots with expiry dates, and stock."""

from __future__ import annotations

from datetime import timedelta

from healthbridge.sandbox.odoo.orm.baseline import add_warehouse
from healthbridge.sandbox.odoo.orm.demo.catalog import CATEGORIES, ITEMS, SUPPLIER_OF_CATEGORY
from healthbridge.sandbox.odoo.orm.demo.gtin import gtin13, gtin14
from healthbridge.sandbox.odoo.orm.demo.people import FACILITIES, SUPPLIERS
from healthbridge.sandbox.odoo.orm.demo.seeding import Seeder

# Days from today to each lot's expiry: some expired, some about to, most far away.
EXPIRY_OFFSETS = (-60, -12, 9, 24, 45, 120, 210, 365, 540, 730, 900)


def seed_products(seeder: Seeder) -> None:
    """Categories under "All", units by name, and the 82 catalogue items."""
    categories: dict[str, int] = {}
    for name, parent in CATEGORIES:
        categories[name] = seeder.one(
            "product.category", {"name": name, "parent_id": categories[parent] if parent else 1}
        )
    units = {seeder.row("uom.uom", i)["name"]: i for i in seeder.ids("uom.uom")}
    prefixes = {org.name: org.code for org in SUPPLIERS}
    for reference, item in enumerate(ITEMS, start=101):
        supplier = SUPPLIER_OF_CATEGORY.get(item.category, "")
        barcode: str | bool = False
        if not item.service:
            prefix = prefixes[supplier]
            boxed = item.unit.startswith(("Box", "Pack"))
            barcode = gtin14(1, prefix, reference) if boxed else gtin13(prefix, reference)
        seeder.products[item.code] = seeder.one(
            "product.product",
            {
                "name": item.name,
                "default_code": item.code,
                "barcode": barcode,
                "type": "service" if item.service else "consu",
                "is_storable": not item.service,
                "tracking": "lot" if item.lot else "none",
                "use_expiration_date": item.lot,
                "categ_id": categories[item.category],
                "uom_id": units[item.unit],
                "list_price": item.price,
                "standard_price": item.cost,
                "company_id": 1,
            },
        )
        seeder.product_supplier[item.code] = supplier


def seed_warehouses(seeder: Seeder) -> None:
    """One warehouse per facility, its wards and supply rooms as internal locations."""
    central = seeder.ids("stock.warehouse")[0]
    seeder.env.transaction.journal.update(
        "stock.warehouse", central, {"name": "Central Distribution Centre"}
    )
    seeder.warehouses["WH"] = central
    stock = seeder.row("stock.warehouse", central)["lot_stock_id"]
    seeder.wards["WH"] = [stock]
    for org, partner in zip(FACILITIES, seeder.facilities, strict=True):
        warehouse = add_warehouse(seeder.env, org.code, org.name, partner_id=partner)
        seeder.warehouses[org.code] = warehouse
        stock = seeder.row("stock.warehouse", warehouse)["lot_stock_id"]
        seeder.wards[org.code] = [
            stock,
            *seeder.create(
                "stock.location",
                [
                    {
                        "name": ward,
                        "usage": "internal",
                        "location_id": stock,
                        "warehouse_id": warehouse,
                    }
                    for ward in org.wards
                ],
            ),
        ]


def seed_stock(seeder: Seeder) -> None:
    """Lots for tracked products and quants spread over the wards."""
    rng = seeder.rng
    lots: dict[str, list[int]] = {}
    for item in ITEMS:
        if not item.lot:
            continue
        product = seeder.products[item.code]
        count = rng.choice((2, 2, 3))
        offsets = rng.sample(EXPIRY_OFFSETS, count)
        lots[item.code] = seeder.create(
            "stock.lot",
            [
                {
                    "name": f"{item.code.split('-')[0]}{rng.randrange(10, 99)}{chr(65 + n)}"
                    f"{rng.randrange(1000, 9999)}",
                    "product_id": product,
                    "expiration_date": (seeder.now + timedelta(days=offset)).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    ),
                    "use_date": (seeder.now + timedelta(days=offset - 30)).replace(
                        hour=0, minute=0, second=0, microsecond=0
                    ),
                }
                for n, offset in enumerate(sorted(offsets))
            ],
        )
    quants = []
    for item in ITEMS:
        if item.service:
            continue
        product = seeder.products[item.code]
        for code in rng.sample(sorted(seeder.wards), 3):
            location = rng.choice(seeder.wards[code])
            for lot in rng.sample(lots[item.code], 1) if item.lot else [False]:
                quantity = float(rng.choice((0, 5, 12, 20, 40, 60, 100, 150, 250, 400)))
                quants.append(
                    {
                        "product_id": product,
                        "location_id": location,
                        "lot_id": lot,
                        "quantity": quantity,
                        "reserved_quantity": float(rng.choice((0, 0, 0, 2, 5)))
                        if quantity >= 5
                        else 0.0,
                        "in_date": seeder.days_ago(rng.randrange(5, 200)),
                    }
                )
    seeder.create("stock.quant", quants)
