"""The clinical supply catalogue: 82 products a hospital group buys, with realistic codes.

Each item says its category, unit, sales price and cost, whether it is tracked by lot (and
carries an expiry date), and which supplier (GS1 company prefix) makes it. Boxed items get
a GTIN-14 case code, single items a GTIN-13; services have no barcode.
"""

from __future__ import annotations

from healthbridge.sandbox.odoo.orm.demo.item import Item
from healthbridge.sandbox.odoo.orm.demo.supplies import SUPPLIES

CATEGORIES = (
    ("Medical Supplies", None),
    ("Gloves", "Medical Supplies"),
    ("Syringes & Needles", "Medical Supplies"),
    ("Catheters", "Medical Supplies"),
    ("IV Therapy", "Medical Supplies"),
    ("Wound Care", "Medical Supplies"),
    ("Respiratory", "Medical Supplies"),
    ("Personal Protective Equipment", "Medical Supplies"),
    ("Diagnostics & Laboratory", "Medical Supplies"),
    ("Sterilization & Hygiene", "Medical Supplies"),
    ("Pharmaceuticals", None),
    ("IV Fluids", "Pharmaceuticals"),
    ("Services", None),
)

SUPPLIER_OF_CATEGORY = {
    "Gloves": "Aseptica Medical GmbH",
    "Personal Protective Equipment": "Aseptica Medical GmbH",
    "Syringes & Needles": "MedSupply Europe NV",
    "Catheters": "MedSupply Europe NV",
    "Respiratory": "MedSupply Europe NV",
    "IV Therapy": "Clinisource Distribution BV",
    "IV Fluids": "Clinisource Distribution BV",
    "Wound Care": "Vitalline Healthcare Supplies SA",
    "Sterilization & Hygiene": "Vitalline Healthcare Supplies SA",
    "Diagnostics & Laboratory": "Nordic Diagnostics AB",
    "Pharmaceuticals": "PharmaLogix Wholesale NV",
}

_PHARMA = [
    Item(
        "PHA-PCM-500",
        "Paracetamol 500 mg Tablets (box of 100)",
        "Pharmaceuticals",
        "Box of 100",
        2.60,
        1.20,
        lot=True,
    ),
    Item(
        "PHA-IBU-400",
        "Ibuprofen 400 mg Tablets (box of 30)",
        "Pharmaceuticals",
        "Units",
        3.10,
        1.45,
        lot=True,
    ),
    Item(
        "PHA-HEP-5K",
        "Heparin Sodium 5,000 IU/mL, 5 mL Vial",
        "Pharmaceuticals",
        "Units",
        4.50,
        2.35,
        lot=True,
    ),
    Item(
        "PHA-LID-1",
        "Lidocaine 1% Injection, 10 mL Ampoule",
        "Pharmaceuticals",
        "Units",
        0.95,
        0.44,
        lot=True,
    ),
    Item(
        "PHA-AMX-1G",
        "Amoxicillin 1 g Powder for Injection, Vial",
        "Pharmaceuticals",
        "Units",
        1.80,
        0.88,
        lot=True,
    ),
    Item(
        "PHA-ONS-4",
        "Ondansetron 4 mg/2 mL Injection, Ampoule",
        "Pharmaceuticals",
        "Units",
        0.85,
        0.39,
        lot=True,
    ),
]

_SERVICES = [
    Item("SRV-DLV", "Same-Day Ward Delivery", "Services", "Units", 25.00, 0.0, service=True),
    Item(
        "SRV-STR", "Instrument Sterilization Cycle", "Services", "Units", 45.00, 0.0, service=True
    ),
    Item("SRV-LOG", "Logistics Handling Fee", "Services", "Units", 12.50, 0.0, service=True),
]

ITEMS: tuple[Item, ...] = SUPPLIES + tuple(_PHARMA + _SERVICES)
