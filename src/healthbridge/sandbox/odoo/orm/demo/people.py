"""Fictional organisations and names for the demo (Belgian hospital group; no real people).

Patients are billing parties only: a name, an account reference, contact details. No
clinical data of any kind is generated.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    street: str
    zip: str
    city: str
    country: int
    email_domain: str
    phone: str
    contacts: tuple[tuple[str, str], ...] = ()
    """(name, job position) of the people who work there."""
    code: str = ""
    wards: tuple[str, ...] = ()


BELGIUM, NETHERLANDS, GERMANY, SWEDEN, LUXEMBOURG = 20, 165, 57, 205, 133

GROUP = Organisation(
    "Healthbridge Hospital Group",
    "Avenue des Arts 41",
    "1040",
    "Brussels",
    BELGIUM,
    "healthbridge.example",
    "+32 2 555 01 00",
    (
        ("Hélène Vermeulen", "Chief Financial Officer"),
        ("Pieter Claes", "Group Procurement Director"),
    ),
)

FACILITIES = (
    Organisation(
        "Healthbridge General Hospital Brussels",
        "Rue Haute 322",
        "1000",
        "Brussels",
        BELGIUM,
        "bru.healthbridge.example",
        "+32 2 555 10 00",
        (("Sophie Lambert", "Head of Supply Chain"), ("Marc Dubois", "Pharmacy Manager")),
        code="BRU",
        wards=("Central Supply", "Pharmacy", "Ward ICU", "Ward Surgery", "Emergency Department"),
    ),
    Organisation(
        "Healthbridge St. Anna Clinic Antwerp",
        "Lange Gasthuisstraat 39",
        "2000",
        "Antwerpen",
        BELGIUM,
        "ant.healthbridge.example",
        "+32 3 555 20 00",
        (("Jan Peeters", "Logistics Coordinator"), ("Els Janssens", "Head Nurse")),
        code="ANT",
        wards=("Supply Room", "Pharmacy", "Ward Maternity"),
    ),
    Organisation(
        "Healthbridge Children's Hospital Ghent",
        "Corneel Heymanslaan 10",
        "9000",
        "Gent",
        BELGIUM,
        "gnt.healthbridge.example",
        "+32 9 555 30 00",
        (("Lotte De Smet", "Supply Officer"), ("Tom Maes", "Paediatric Pharmacist")),
        code="GNT",
        wards=("Supply Room", "Pharmacy", "Ward Paediatrics", "Neonatal ICU"),
    ),
    Organisation(
        "Healthbridge Rehabilitation Centre Leuven",
        "Herestraat 49",
        "3000",
        "Leuven",
        BELGIUM,
        "leu.healthbridge.example",
        "+32 16 555 40 00",
        (("Bart Willems", "Facility Manager"),),
        code="LEU",
        wards=("Supply Room", "Physiotherapy"),
    ),
    Organisation(
        "Healthbridge Outpatient Clinic Liège",
        "Boulevard de la Constitution 66",
        "4020",
        "Liège",
        BELGIUM,
        "lge.healthbridge.example",
        "+32 4 555 50 00",
        (("Amélie Lefèvre", "Clinic Administrator"), ("Noël Renard", "Nurse Coordinator")),
        code="LGE",
        wards=("Supply Room", "Pharmacy"),
    ),
)

PAYERS = (
    Organisation(
        "Meridian Health Insurance",
        "Boulevard Anspach 1",
        "1000",
        "Brussels",
        BELGIUM,
        "meridian-health.example",
        "+32 2 555 61 00",
        (("Claims Department", "Claims Processing"),),
    ),
    Organisation(
        "Continental Mutual Insurance",
        "Kunstlaan 56",
        "1000",
        "Brussels",
        BELGIUM,
        "continental-mutual.example",
        "+32 2 555 62 00",
        (("Sarah Jacobs", "Provider Relations"),),
    ),
    Organisation(
        "Northstar Care Assurance",
        "Meir 24",
        "2000",
        "Antwerpen",
        BELGIUM,
        "northstar-care.example",
        "+32 3 555 63 00",
        (("Kevin Wouters", "Billing Liaison"),),
    ),
    Organisation(
        "Unity Health Fund",
        "Place Saint-Lambert 18",
        "4000",
        "Liège",
        BELGIUM,
        "unity-health.example",
        "+32 4 555 64 00",
        (),
    ),
    Organisation(
        "Atlas Medical Insurance",
        "Route d'Arlon 12",
        "8009",
        "Strassen",
        LUXEMBOURG,
        "atlas-medical.example",
        "+352 26 55 65 00",
        (("Claire Schmit", "Claims Manager"),),
    ),
)

SUPPLIERS = (
    Organisation(
        "MedSupply Europe NV",
        "Industrieweg 15",
        "2880",
        "Bornem",
        BELGIUM,
        "medsupply-europe.example",
        "+32 3 555 71 00",
        (("Wim Goossens", "Key Account Manager"), ("Order Desk", "Customer Service")),
        code="5412001",
    ),
    Organisation(
        "Clinisource Distribution BV",
        "Transportweg 8",
        "3045 PB",
        "Rotterdam",
        NETHERLANDS,
        "clinisource.example",
        "+31 10 555 72 00",
        (("Femke de Vries", "Account Manager"),),
        code="5412002",
    ),
    Organisation(
        "Aseptica Medical GmbH",
        "Hafenstraße 40",
        "20457",
        "Hamburg",
        GERMANY,
        "aseptica-medical.example",
        "+49 40 555 73 00",
        (("Jürgen Müller", "Sales Representative"),),
        code="5412003",
    ),
    Organisation(
        "Vitalline Healthcare Supplies SA",
        "Rue de l'Industrie 22",
        "1400",
        "Nivelles",
        BELGIUM,
        "vitalline.example",
        "+32 67 555 74 00",
        (("Camille Dupont", "Sales Manager"),),
        code="5412004",
    ),
    Organisation(
        "Nordic Diagnostics AB",
        "Sveavägen 44",
        "111 34",
        "Stockholm",
        SWEDEN,
        "nordic-diagnostics.example",
        "+46 8 555 75 00",
        (("Erik Lindqvist", "Export Manager"),),
        code="5412005",
    ),
    Organisation(
        "PharmaLogix Wholesale NV",
        "Brusselsesteenweg 510",
        "1731",
        "Zellik",
        BELGIUM,
        "pharmalogix.example",
        "+32 2 555 76 00",
        (("Annelies Mertens", "Pharmacist in Charge"),),
        code="5412006",
    ),
)

LABORATORIES = (
    Organisation(
        "Meuse Valley Clinical Laboratory",
        "Rue des Guillemins 5",
        "4000",
        "Liège",
        BELGIUM,
        "meuse-lab.example",
        "+32 4 555 81 00",
        (("Results Desk", "Laboratory Reception"),),
    ),
    Organisation(
        "BioAnalytica Labs Antwerp",
        "Noorderlaan 100",
        "2030",
        "Antwerpen",
        BELGIUM,
        "bioanalytica.example",
        "+32 3 555 82 00",
        (),
    ),
    Organisation(
        "Flanders Pathology Services",
        "Kortrijksesteenweg 1020",
        "9051",
        "Gent",
        BELGIUM,
        "flanders-pathology.example",
        "+32 9 555 83 00",
        (),
    ),
)

PHARMACIES = (
    Organisation(
        "Pharmacie du Parc",
        "Rue Royale 150",
        "1000",
        "Brussels",
        BELGIUM,
        "pharmacie-du-parc.example",
        "+32 2 555 91 00",
        (),
    ),
    Organisation(
        "Apotheek De Linde",
        "Steenweg 88",
        "3000",
        "Leuven",
        BELGIUM,
        "apotheek-delinde.example",
        "+32 16 555 92 00",
        (),
    ),
    Organisation(
        "Pharmacie Saint-Michel",
        "Rue Saint-Michel 7",
        "4000",
        "Liège",
        BELGIUM,
        "pharmacie-st-michel.example",
        "+32 4 555 93 00",
        (),
    ),
)

FIRST_NAMES = (
    "Emma",
    "Louis",
    "Olivia",
    "Arthur",
    "Louise",
    "Noah",
    "Mila",
    "Liam",
    "Elena",
    "Lucas",
    "Julie",
    "Adam",
    "Léa",
    "Victor",
    "Zoë",
    "Jules",
    "Amélie",
    "Thomas",
    "Chloé",
    "Mathis",
    "Inès",
    "Hugo",
    "Marie",
    "Finn",
    "Anouk",
    "Sem",
    "Noémie",
    "Wout",
    "Fien",
    "Bram",
)
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Declercq",
    "Vandenberghe",
    "Hermans",
    "Desmet",
    "Michiels",
    "Van Damme",
    "Leclercq",
    "Renard",
    "Noël",
    "Collignon",
    "Dumont",
)
STREETS = (
    ("Rue de la Victoire", "1060", "Saint-Gilles"),
    ("Kerkstraat", "2000", "Antwerpen"),
    ("Veldstraat", "9000", "Gent"),
    ("Bondgenotenlaan", "3000", "Leuven"),
    ("Rue Féronstrée", "4000", "Liège"),
    ("Chaussée de Wavre", "1050", "Ixelles"),
    ("Turnhoutsebaan", "2140", "Borgerhout"),
    ("Rue du Midi", "1000", "Brussels"),
)
STAFF = (
    ("Nursing", "Head Nurse"),
    ("Nursing", "Registered Nurse"),
    ("Nursing", "ICU Nurse"),
    ("Nursing", "Paediatric Nurse"),
    ("Surgery", "Consultant Surgeon"),
    ("Surgery", "Anaesthetist"),
    ("Surgery", "Theatre Nurse"),
    ("Emergency", "Emergency Physician"),
    ("Pharmacy", "Hospital Pharmacist"),
    ("Pharmacy", "Pharmacy Technician"),
    ("Supply Chain", "Supply Chain Manager"),
    ("Supply Chain", "Storekeeper"),
    ("Supply Chain", "Procurement Officer"),
    ("Laboratory", "Biomedical Scientist"),
    ("Laboratory", "Laboratory Technician"),
    ("Administration", "Billing Officer"),
    ("Administration", "Patient Accounts Clerk"),
)
