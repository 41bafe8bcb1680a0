"""Medical supplies of the demo catalogue: gloves to lab tubes, with realistic codes and prices."""

from __future__ import annotations

from healthbridge.sandbox.odoo.orm.demo.item import Item

_GLOVES = [
    Item(
        f"GLV-NIT-{size}",
        f"Nitrile Examination Gloves, Powder-Free, {label} (box of 100)",
        "Gloves",
        "Box of 100",
        8.90,
        5.20,
    )
    for size, label in (("S", "Small"), ("M", "Medium"), ("L", "Large"), ("XL", "Extra Large"))
] + [
    Item(
        f"GLV-SRG-{size.replace('.', '')}",
        f"Sterile Latex-Free Surgical Gloves, Size {size}",
        "Gloves",
        "Pair",
        1.45,
        0.82,
        lot=True,
    )
    for size in ("6.5", "7.0", "7.5", "8.0")
]
_SYRINGES = (
    [
        Item(
            f"SYR-LL-{ml:02d}",
            f"Luer-Lock Syringe {ml} mL, Sterile",
            "Syringes & Needles",
            "Units",
            price,
            round(price / 2, 2),
            lot=True,
        )
        for ml, price in ((1, 0.12), (3, 0.13), (5, 0.15), (10, 0.19), (20, 0.27), (50, 0.58))
    ]
    + [
        Item(
            f"NDL-HYP-{gauge}G",
            f"Hypodermic Needle {gauge}G x {length}",
            "Syringes & Needles",
            "Units",
            0.05,
            0.02,
        )
        for gauge, length in (("18", '1 1/2"'), ("21", '1 1/2"'), ("23", '1"'), ("25", '5/8"'))
    ]
    + [
        Item("NDL-SAF-23G", 'Safety Needle 23G x 1"', "Syringes & Needles", "Units", 0.22, 0.11),
        Item(
            "SYR-INS-05",
            "Insulin Syringe 0.5 mL with 30G Needle",
            "Syringes & Needles",
            "Units",
            0.18,
            0.08,
            lot=True,
        ),
    ]
)
_CATHETERS = (
    [
        Item(
            f"CTH-IV-{gauge}G",
            f"IV Cannula {gauge}G, Safety, with Injection Port",
            "Catheters",
            "Units",
            1.10,
            0.58,
            lot=True,
        )
        for gauge in ("14", "18", "20", "22", "24")
    ]
    + [
        Item(
            f"CTH-FOL-{fr}",
            f"Foley Catheter 2-Way Silicone {fr} Fr",
            "Catheters",
            "Units",
            3.80,
            2.05,
            lot=True,
        )
        for fr in ("12", "14", "16", "18")
    ]
    + [Item("CTH-SUC-14", "Suction Catheter 14 Fr", "Catheters", "Units", 0.35, 0.16)]
)
_IV = [
    Item(
        "IVS-ADM-20",
        "IV Administration Set, 20 drops/mL, 180 cm",
        "IV Therapy",
        "Units",
        1.25,
        0.64,
        lot=True,
    ),
    Item(
        "IVS-ADM-60",
        "Paediatric IV Administration Set, 60 drops/mL",
        "IV Therapy",
        "Units",
        1.60,
        0.83,
        lot=True,
    ),
    Item(
        "IVS-EXT-150",
        "Extension Line 150 cm with 3-Way Stopcock",
        "IV Therapy",
        "Units",
        0.95,
        0.47,
    ),
    Item("IVS-STC-3W", "3-Way Stopcock", "IV Therapy", "Units", 0.40, 0.18),
    Item(
        "IVF-NACL-500",
        "Sodium Chloride 0.9% Infusion 500 mL",
        "IV Fluids",
        "Units",
        1.30,
        0.71,
        lot=True,
    ),
    Item(
        "IVF-NACL-1000",
        "Sodium Chloride 0.9% Infusion 1000 mL",
        "IV Fluids",
        "Units",
        1.75,
        0.96,
        lot=True,
    ),
    Item("IVF-GLU5-500", "Glucose 5% Infusion 500 mL", "IV Fluids", "Units", 1.40, 0.77, lot=True),
    Item(
        "IVF-RL-1000",
        "Ringer's Lactate Infusion 1000 mL",
        "IV Fluids",
        "Units",
        1.90,
        1.02,
        lot=True,
    ),
]
_WOUND = [
    Item(
        "WND-GAU-05",
        "Sterile Gauze Swabs 5 x 5 cm, 8-Ply (pack of 10)",
        "Wound Care",
        "Pack of 10",
        0.65,
        0.31,
        lot=True,
    ),
    Item(
        "WND-GAU-10",
        "Sterile Gauze Swabs 10 x 10 cm, 8-Ply (pack of 10)",
        "Wound Care",
        "Pack of 10",
        0.95,
        0.46,
        lot=True,
    ),
    Item("WND-ADH-S", "Adhesive Island Dressing 5 x 7 cm", "Wound Care", "Units", 0.30, 0.13),
    Item("WND-ADH-M", "Adhesive Island Dressing 9 x 10 cm", "Wound Care", "Units", 0.48, 0.22),
    Item("WND-ADH-L", "Adhesive Island Dressing 9 x 25 cm", "Wound Care", "Units", 0.95, 0.44),
    Item("WND-FLM-0607", "Transparent Film Dressing 6 x 7 cm", "Wound Care", "Units", 0.42, 0.19),
    Item("WND-FLM-1012", "Transparent Film Dressing 10 x 12 cm", "Wound Care", "Units", 0.78, 0.37),
    Item(
        "WND-FOM-10",
        "Silicone Foam Dressing 10 x 10 cm",
        "Wound Care",
        "Units",
        3.20,
        1.74,
        lot=True,
    ),
    Item(
        "WND-FOM-15",
        "Silicone Foam Dressing 15 x 15 cm",
        "Wound Care",
        "Units",
        5.10,
        2.79,
        lot=True,
    ),
    Item(
        "WND-TAP-25", "Surgical Tape, Breathable, 2.5 cm x 9.1 m", "Wound Care", "Units", 0.85, 0.38
    ),
    Item("WND-BND-10", "Elastic Crepe Bandage 10 cm x 4.5 m", "Wound Care", "Units", 0.70, 0.31),
]
_RESPIRATORY = [
    Item("RSP-OXM-AD", "Oxygen Mask, Adult, with 2 m Tubing", "Respiratory", "Units", 0.95, 0.44),
    Item(
        "RSP-OXM-PD", "Oxygen Mask, Paediatric, with 2 m Tubing", "Respiratory", "Units", 0.98, 0.46
    ),
    Item("RSP-CAN-AD", "Nasal Oxygen Cannula, Adult", "Respiratory", "Units", 0.55, 0.24),
    Item("RSP-NEB-KIT", "Nebulizer Kit with Mouthpiece", "Respiratory", "Units", 1.85, 0.92),
]
_PPE = [
    Item(
        "PPE-MSK-IIR",
        "Surgical Face Mask Type IIR (box of 50)",
        "Personal Protective Equipment",
        "Box of 50",
        6.50,
        3.10,
    ),
    Item(
        "PPE-FFP2", "FFP2 Respirator Mask, NR", "Personal Protective Equipment", "Units", 0.45, 0.19
    ),
    Item(
        "PPE-FFP3",
        "FFP3 Respirator Mask with Valve",
        "Personal Protective Equipment",
        "Units",
        1.60,
        0.78,
    ),
    Item(
        "PPE-GWN-ISO",
        "Isolation Gown, Fluid-Resistant, Universal",
        "Personal Protective Equipment",
        "Units",
        0.95,
        0.43,
    ),
    Item(
        "PPE-SHD-FC",
        "Face Shield, Full Length, Anti-Fog",
        "Personal Protective Equipment",
        "Units",
        1.10,
        0.51,
    ),
    Item(
        "PPE-APR-PE",
        "Disposable PE Apron (roll of 100)",
        "Personal Protective Equipment",
        "Box of 100",
        3.40,
        1.55,
    ),
]
_LAB = [
    Item(
        "LAB-TUB-EDTA",
        "Blood Collection Tube K2EDTA 4 mL, Lavender",
        "Diagnostics & Laboratory",
        "Units",
        0.14,
        0.06,
        lot=True,
    ),
    Item(
        "LAB-TUB-SST",
        "Blood Collection Tube SST 5 mL, Gold",
        "Diagnostics & Laboratory",
        "Units",
        0.16,
        0.07,
        lot=True,
    ),
    Item(
        "LAB-TUB-CIT",
        "Blood Collection Tube Sodium Citrate 2.7 mL, Light Blue",
        "Diagnostics & Laboratory",
        "Units",
        0.17,
        0.08,
        lot=True,
    ),
    Item(
        "LAB-URN-100",
        "Urine Specimen Container 100 mL, Sterile",
        "Diagnostics & Laboratory",
        "Units",
        0.20,
        0.09,
        lot=True,
    ),
    Item(
        "LAB-BAG-BIO",
        "Biohazard Specimen Bag with Document Pouch",
        "Diagnostics & Laboratory",
        "Units",
        0.09,
        0.04,
    ),
    Item(
        "DGN-GLU-STR",
        "Blood Glucose Test Strips (box of 50)",
        "Diagnostics & Laboratory",
        "Box of 50",
        11.90,
        6.20,
        lot=True,
    ),
    Item(
        "DGN-AGT-COV",
        "SARS-CoV-2 Rapid Antigen Test",
        "Diagnostics & Laboratory",
        "Units",
        2.40,
        1.15,
        lot=True,
    ),
    Item(
        "DGN-THR-PRB",
        "Thermometer Probe Covers (box of 100)",
        "Diagnostics & Laboratory",
        "Box of 100",
        4.80,
        2.30,
    ),
]
_HYGIENE = [
    Item(
        "HYG-ALC-PAD",
        "Alcohol Prep Pads 70% IPA (box of 100)",
        "Sterilization & Hygiene",
        "Box of 100",
        2.10,
        0.95,
        lot=True,
    ),
    Item(
        "HYG-CHX-SWB",
        "Chlorhexidine 2% / IPA 70% Swabstick",
        "Sterilization & Hygiene",
        "Units",
        0.32,
        0.14,
        lot=True,
    ),
    Item(
        "HYG-HND-500",
        "Alcohol Hand Rub 500 mL, Pump Bottle",
        "Sterilization & Hygiene",
        "Units",
        4.20,
        2.05,
        lot=True,
    ),
    Item("HYG-SHP-1L", "Sharps Container 1 L", "Sterilization & Hygiene", "Units", 1.30, 0.61),
    Item("HYG-SHP-5L", "Sharps Container 5 L", "Sterilization & Hygiene", "Units", 2.90, 1.38),
    Item(
        "STR-IND-TAP",
        "Steam Sterilization Indicator Tape",
        "Sterilization & Hygiene",
        "Units",
        3.10,
        1.49,
    ),
]

SUPPLIES: tuple[Item, ...] = tuple(
    _GLOVES + _SYRINGES + _CATHETERS + _IV + _WOUND + _RESPIRATORY + _PPE + _LAB + _HYGIENE
)
