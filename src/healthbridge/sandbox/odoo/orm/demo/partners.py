"""Demo partners: the group, its facilities, payers, suppliers, labs, pharmacies, patients."""

from __future__ import annotations

from typing import Any

from healthbridge.sandbox.odoo.orm.demo.people import (
    FACILITIES,
    FIRST_NAMES,
    GROUP,
    LABORATORIES,
    LAST_NAMES,
    PAYERS,
    PHARMACIES,
    STAFF,
    STREETS,
    SUPPLIERS,
    Organisation,
)
from healthbridge.sandbox.odoo.orm.demo.seeding import Seeder

TAGS = ("Facility", "Payer", "Supplier", "Laboratory", "Pharmacy", "Patient")
PATIENTS = 36
ARCHIVED_PATIENTS = 2


def _email(name: str, domain: str) -> str:
    local = name.lower().replace(" ", ".").replace("'", "")
    for accented, plain in (
        ("é", "e"),
        ("è", "e"),
        ("ë", "e"),
        ("ï", "i"),
        ("ü", "u"),
        ("ö", "o"),
        ("ä", "a"),
    ):
        local = local.replace(accented, plain)
    return f"{local}@{domain}"


def _organisation(seeder: Seeder, org: Organisation, tag: str | None, **extra: Any) -> int:
    vals: dict[str, Any] = {
        "name": org.name,
        "is_company": True,
        "street": org.street,
        "zip": org.zip,
        "city": org.city,
        "country_id": org.country,
        "email": f"info@{org.email_domain}",
        "phone": org.phone,
        "website": f"https://www.{org.email_domain}",
        "vat": seeder.vat() if org.country == 20 else False,
        "company_id": 1,
        **extra,
    }
    if tag:
        vals["category_id"] = [(6, 0, [seeder.tags[tag]])]
    partner = seeder.one("res.partner", vals)
    for person, job in org.contacts:
        seeder.one(
            "res.partner",
            {
                "name": person,
                "parent_id": partner,
                "function": job,
                "email": _email(person, org.email_domain),
                "phone": org.phone,
            },
        )
    return partner


def seed_partners(seeder: Seeder) -> None:
    """Tags, then every organisation with its contacts, then the patients."""
    for tag in TAGS:
        seeder.tags[tag] = seeder.one("res.partner.category", {"name": tag})
    seeder.env.transaction.journal.update(
        "res.partner",
        1,
        {
            "street": GROUP.street,
            "zip": GROUP.zip,
            "city": GROUP.city,
            "phone": GROUP.phone,
            "vat": seeder.vat(),
            "website": f"https://www.{GROUP.email_domain}",
            "email": f"info@{GROUP.email_domain}",
        },
    )
    for person, job in GROUP.contacts:
        seeder.one(
            "res.partner",
            {
                "name": person,
                "parent_id": 1,
                "function": job,
                "email": _email(person, GROUP.email_domain),
            },
        )
    for org in FACILITIES:
        facility = _organisation(seeder, org, "Facility", ref=org.code, customer_rank=1)
        seeder.facilities.append(facility)
    for org in PAYERS:
        seeder.payers.append(_organisation(seeder, org, "Payer", customer_rank=10))
    for org in SUPPLIERS:
        seeder.suppliers[org.name] = _organisation(seeder, org, "Supplier", supplier_rank=5)
    for org in LABORATORIES:
        seeder.laboratories.append(
            _organisation(seeder, org, "Laboratory", customer_rank=2, supplier_rank=1)
        )
    for org in PHARMACIES:
        seeder.pharmacies.append(_organisation(seeder, org, "Pharmacy", customer_rank=3))
    _patients(seeder)


def _patients(seeder: Seeder) -> None:
    rng = seeder.rng
    names: set[str] = set()
    while len(names) < PATIENTS:
        names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    for number, name in enumerate(sorted(names), start=1):
        street, zip_code, city = rng.choice(STREETS)
        seeder.patients.append(
            seeder.one(
                "res.partner",
                {
                    "name": name,
                    "ref": f"PAT-{100000 + number * 37}",
                    "email": _email(name, "example.com"),
                    "phone": "+32 4{} {} {} {}".format(*(rng.randrange(10, 99) for _ in range(4))),
                    "street": f"{street} {rng.randrange(1, 240)}",
                    "zip": zip_code,
                    "city": city,
                    "country_id": 20,
                    "category_id": [(6, 0, [seeder.tags["Patient"]])],
                    "customer_rank": 1,
                    "active": number > ARCHIVED_PATIENTS,
                },
            )
        )


def seed_staff(seeder: Seeder) -> None:
    """Departments and employees (clinicians and supply staff)."""
    rng = seeder.rng
    departments: dict[str, int] = {}
    for department, _job in STAFF:
        if department not in departments:
            departments[department] = seeder.one("hr.department", {"name": department})
    used: set[str] = set()
    for department, job in STAFF:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        while name in used:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        used.add(name)
        seeder.one(
            "hr.employee",
            {
                "name": name,
                "job_title": job,
                "department_id": departments[department],
                "work_email": _email(name, "healthbridge.example"),
                "work_phone": f"+32 2 555 {rng.randrange(1000, 9999)}",
                "work_location_name": rng.choice(FACILITIES).name,
                "barcode": f"{rng.randrange(10**9, 10**10)}",
            },
        )
