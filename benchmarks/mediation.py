"""How fast Odoo records go through the hub: Odoo row -> canonical -> FHIR JSON, per object.

Run: ``python benchmarks/mediation.py`` (about ten seconds, one core). Rows are read once
from the Odoo sandbox's demo data (the in-process ORM, with the fields ``FIELDS`` names)
and repeated to a fixed batch, then for each object with a FHIR form the timed loop does
exactly what the hub's hot path does: ``odoo_to_*`` (the canonical object, validated),
``canonical_to_fhir`` and ``fhir_json`` (orjson; the same bytes as the stdlib's compact
JSON). Next to it, measured in the same run:

- the baseline: the same pipeline ending in the stdlib's ``json.dumps`` (what the hub
  did before ``fhir_json``), and the ratio of the two;
- each half alone (row -> canonical; canonical -> FHIR JSON), to show where time goes;
- ``json.dumps`` of the raw rows (the floor: no mapping at all);
- fhir.resources R4B validation of the same FHIR output (the oracle the tests use, for
  scale: what the hot path would cost if it validated that way).

Rates are the best of repeated passes over a batch, timed by the wall clock. On a host
shared with other work the wall clock includes time spent waiting for a core, so the
figures swing between runs; the ratio to the baseline, measured in the same run, is the
steadier number.

The goal in the issue is 20,000 records/s or more for Odoo -> canonical -> FHIR JSON.
Afterwards it runs ``benchmarks/mediation_hl7.py`` (HL7 v2 parse throughput against the
``hl7`` package, and ADT over MLLP with ACKs end to end); ``--odoo-only`` skips that.
"""

from __future__ import annotations

import gc
import json
import runpy
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from rich.console import Console
from rich.table import Table

from healthbridge.mappings.fhir import canonical_to_fhir, fhir_json
from healthbridge.mappings.odoo import (
    FIELDS,
    OdooRelated,
    is_patient,
    odoo_to_charge,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_payment,
    odoo_to_practitioner,
    odoo_to_product,
    odoo_to_supply_delivery,
    odoo_to_supply_order,
)
from healthbridge.sandbox.odoo.orm import Database

ADMIN = 2
BATCH = 2_000
BUDGET_S = 0.3
GOAL = 20_000


def _rows(db: Database, model: str) -> list[dict[str, Any]]:
    kwargs = {"fields": list(FIELDS[model]), "context": {"active_test": False}}
    rows: list[dict[str, Any]] = db.execute_kw(ADMIN, model, "search_read", [[]], kwargs).value
    return rows


def _batch(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [rows[i % len(rows)] for i in range(BATCH)]


def _rate(work: Callable[[], None], count: int, budget: float = BUDGET_S) -> float:
    """Records per second of ``work`` (one pass over ``count`` records), best of repeats."""
    best = float("inf")
    deadline = time.perf_counter() + budget
    while True:
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
        if time.perf_counter() > deadline:
            return count / best


def _cases(db: Database) -> list[tuple[str, Callable[[dict[str, Any]], Any], list[dict[str, Any]]]]:
    company = db.execute_kw(ADMIN, "res.company", "search_read", [[]], {"fields": ["currency_id"]})
    related = OdooRelated(
        partner_tags={r["id"]: r["name"] for r in _rows(db, "res.partner.category")},
        company_currency=company.value[0]["currency_id"][1],
    )
    partners = _rows(db, "res.partner")
    patients = [r for r in partners if is_patient(r, related)]
    organizations = [r for r in partners if not is_patient(r, related)]
    # A caller reads each document's own lines (``invoice_line_ids``), so each gets its own.
    move_lines = _rows(db, "account.move.line")
    invoices = [
        {
            "order": m,
            "related": replace(
                related, lines=[x for x in move_lines if x["move_id"][0] == m["id"]]
            ),
        }
        for m in _rows(db, "account.move")
    ]
    # The FHIR SupplyRequest writer takes one line per request: one request per order line.
    orders = []
    for line in _rows(db, "purchase.order.line"):
        order = next(r for r in _rows(db, "purchase.order") if r["id"] == line["order_id"][0])
        orders.append((order, replace(related, lines=(line,))))
    purchase_rows = [{"order": o, "related": r} for o, r in orders]
    # Likewise one SupplyDelivery per received move (FHIR R4 holds one supplied item).
    pickings = {r["id"]: r for r in _rows(db, "stock.picking")}
    receipts = [
        {"order": pickings[move["picking_id"][0]], "related": replace(related, lines=(move,))}
        for move in _rows(db, "stock.move")
        if move["picking_id"]
    ]
    customer = {m["id"] for m in _rows(db, "account.move") if m["move_type"].startswith("out_")}
    charges = [
        r for r in move_lines if r["display_type"] == "product" and r["move_id"][0] in customer
    ]
    return [
        ("Patient (res.partner)", lambda r: odoo_to_patient(r, related=related), patients),
        (
            "Organization (res.partner)",
            lambda r: odoo_to_organization(r, related=related),
            organizations,
        ),
        ("Practitioner (hr.employee)", odoo_to_practitioner, _rows(db, "hr.employee")),
        ("Location (stock.location)", odoo_to_location, _rows(db, "stock.location")),
        (
            "Product/Device (product.product, supplies)",
            lambda r: odoo_to_product(r, related=related),
            [r for r in _rows(db, "product.product") if r["type"] == "consu"],
        ),
        (
            "SupplyOrder/SupplyRequest (purchase.order, 1 line)",
            lambda r: odoo_to_supply_order(r["order"], related=r["related"]),
            purchase_rows,
        ),
        (
            "Invoice (account.move + lines)",
            lambda r: odoo_to_invoice(r["order"], related=r["related"]),
            invoices,
        ),
        (
            "Charge/ChargeItem (account.move.line)",
            lambda r: odoo_to_charge(r, related=related),
            charges,
        ),
        (
            "SupplyDelivery (stock.picking, 1 move)",
            lambda r: odoo_to_supply_delivery(r["order"], related=r["related"]),
            receipts,
        ),
        (
            "Payment/PaymentReconciliation (account.payment)",
            odoo_to_payment,
            _rows(db, "account.payment"),
        ),
    ]


def main() -> None:
    """Measures every object and prints one Rich table."""
    console = Console()
    db = Database()
    table = Table(title=f"Odoo -> canonical -> FHIR JSON, records/s on one core (goal {GOAL:,})")
    for column in (
        "object",
        "demo rows",
        "row -> canonical -> FHIR JSON",
        "goal",
        "baseline (stdlib json)",
        "ratio",
        "row -> canonical only",
        "canonical -> FHIR JSON only",
        "json.dumps(raw row)",
        "R4B validation of the FHIR",
    ):
        table.add_column(column, justify="left" if column == "object" else "right")
    cases = _cases(db)
    # Setup garbage (the ORM, the demo data) is frozen so collections time only the hot path.
    gc.collect()
    gc.freeze()
    for name, mapper, rows in cases:
        batch = _batch(rows)

        def pipeline(batch: list[dict[str, Any]] = batch, mapper: Any = mapper) -> None:
            for row in batch:
                fhir_json(canonical_to_fhir(mapper(row)))

        def baseline(batch: list[dict[str, Any]] = batch, mapper: Any = mapper) -> None:
            for row in batch:
                json.dumps(canonical_to_fhir(mapper(row)))

        def raw(batch: list[dict[str, Any]] = batch) -> None:
            for row in batch:
                json.dumps(row, default=str)

        objects = [mapper(row) for row in batch]

        def mapping(batch: list[dict[str, Any]] = batch, mapper: Any = mapper) -> None:
            for row in batch:
                mapper(row)

        def writing(objects: list[Any] = objects) -> None:
            for obj in objects:
                fhir_json(canonical_to_fhir(obj))

        resources = [canonical_to_fhir(mapper(row)) for row in batch[: BATCH // 10]]
        oracle = get_fhir_model_class(resources[0]["resourceType"])

        def validate(resources: list[dict[str, Any]] = resources, oracle: Any = oracle) -> None:
            for resource in resources:
                oracle.model_validate(resource)

        pipeline()  # warm-up: first-call costs (pydantic, caches) are not throughput
        baseline()
        # Interleaved, so a burst of load on the host hits both alike.
        rate = before = 0.0
        for _ in range(2):
            rate = max(rate, _rate(pipeline, len(batch), BUDGET_S / 2))
            before = max(before, _rate(baseline, len(batch), BUDGET_S / 2))
        table.add_row(
            name,
            str(len(rows)),
            f"[{'green' if rate >= GOAL else 'red'}]{rate:,.0f}[/]",
            "met" if rate >= GOAL else "missed",
            f"{before:,.0f}",
            f"{rate / before:.2f}x",
            f"{_rate(mapping, len(batch), 0.12):,.0f}",
            f"{_rate(writing, len(batch), 0.12):,.0f}",
            f"{_rate(raw, len(batch), 0.08):,.0f}",
            f"{_rate(validate, len(resources), 0.15):,.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
    # The issue asks one command for both halves of mediation: the HL7 v2 figures follow.
    if "--odoo-only" not in sys.argv:
        runpy.run_path(str(Path(__file__).with_name("mediation_hl7.py")), run_name="__main__")
