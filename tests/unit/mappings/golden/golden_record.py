"""Records golden examples of the hl7v2.* and odoo.* mappings for versions that have none.

Run ``python -m tests.unit.mappings.golden.golden_record`` after bumping a version in
``healthbridge.mappings.registry`` (``HL7_VERSIONS`` or ``ODOO_VERSIONS``). An existing
file is never rewritten: a recorded version promises that output for those inputs.
Inputs are stored in the file, so the demo data may change without breaking a promise.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.dry_run import output_json
from healthbridge.mappings.hl7v2 import parse_message
from healthbridge.mappings.odoo import OdooRelated, is_patient
from healthbridge.mappings.registry import MappingVersion, OdooRecord, default_registry
from healthbridge.sandbox.odoo.orm import Database
from healthbridge.services.mapping_dry_run import read_records
from tests.unit.mappings.golden.hl7_messages import HL7_CASES

GOLDEN = Path(__file__).with_name("recorded")
ADMIN = 2
ODOO_ROWS_PER_MODEL = 3


def golden_path(name: str, version: str) -> Path:
    """``recorded/<name>@<version>.json``."""
    return GOLDEN / f"{name}@{version}.json"


def golden_mappings() -> list[MappingVersion]:
    """The current version of every mapping that has golden examples here."""
    registry = default_registry()
    return [
        registry.current(name)
        for name in registry.names()
        if registry.current(name).source_kind in ("hl7v2", "odoo")
    ]


class OrmRows:
    """The sandbox ORM behind the dry run's read-only ``OdooRows`` port, as its admin."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """``read`` with archived records too, as the hub's integration user sees them."""
        kwargs = {"fields": list(fields or ()), "context": {"active_test": False}}
        rows: list[dict[str, Any]] = self._db.execute_kw(
            ADMIN, model, "read", [list(ids)], kwargs
        ).value
        return rows


def record_to_json(record: OdooRecord) -> dict[str, Any]:
    """An Odoo input as stored in a golden file."""
    return {
        "row": dict(record.row),
        "lines": list(record.related.lines),
        "partner_tags": {str(k): v for k, v in record.related.partner_tags.items()},
    }


def record_from_json(data: dict[str, Any]) -> OdooRecord:
    """The Odoo input a golden file stores."""
    tags = {int(k): v for k, v in data["partner_tags"].items()}
    return OdooRecord(data["row"], OdooRelated(partner_tags=tags, lines=data["lines"]))


def mapping_input(mapping: MappingVersion, stored: Any) -> Any:
    """The value the mapping function takes, from a golden file's ``input``."""
    if mapping.source_kind == "hl7v2":
        return parse_message(stored)
    return record_from_json(stored)


def run_case(mapping: MappingVersion, stored: Any) -> dict[str, Any]:
    """``{"output": ...}`` or ``{"error": code}`` for one stored input."""
    try:
        return {"output": output_json(mapping.function(mapping_input(mapping, stored)))}
    except HealthbridgeError as exc:
        return {"error": exc.code}


_PARTNER_KIND = {"odoo.patient": True, "odoo.organization": False}
"""Partner mappings take the demo partners of their kind (patients tagged Patient)."""

_DOMAINS: dict[str, list[Any]] = {
    "odoo.charge": [["move_id.move_type", "in", ["out_invoice", "out_refund"]]],
    "odoo.supply_delivery": [["picking_type_id.code", "=", "incoming"]],
}
"""Mappings that read only some rows of their model, as their callers do."""


def odoo_inputs(db: Database, mapping: MappingVersion) -> list[tuple[str, dict[str, Any]]]:
    """The first demo records of the mapping's model (archived too), with lines and tags."""
    model = mapping.sources[0]
    domain = _DOMAINS.get(mapping.name, [])
    ids: list[int] = db.execute_kw(
        ADMIN, model, "search", [domain], {"order": "id", "context": {"active_test": False}}
    ).value
    records = asyncio.run(read_records(OrmRows(db), model, ids))
    wanted = _PARTNER_KIND.get(mapping.name)
    if wanted is not None:
        records = [r for r in records if is_patient(r.row, r.related) is wanted]
    chosen = [r.row["id"] for r in records[:ODOO_ROWS_PER_MODEL]]
    # Read again so each stored input carries only its own lines.
    stored = [asyncio.run(read_records(OrmRows(db), model, [i]))[0] for i in chosen]
    return [(f"demo {model} {r.row['id']}", record_to_json(r)) for r in stored]


def record(mapping: MappingVersion, db: Database) -> dict[str, Any]:
    """The golden document of ``mapping`` from its current inputs."""
    if mapping.source_kind == "hl7v2":
        inputs: list[tuple[str, Any]] = list(HL7_CASES[mapping.name])
    else:
        inputs = odoo_inputs(db, mapping)
    cases = [{"name": name, "input": given, **run_case(mapping, given)} for name, given in inputs]
    return {"mapping": mapping.name, "version": mapping.version, "cases": cases}


def main() -> None:
    """Writes the golden file of every current mapping version that has none."""
    GOLDEN.mkdir(exist_ok=True)
    db = Database()
    for mapping in golden_mappings():
        path = golden_path(mapping.name, mapping.version)
        if path.exists():
            continue
        document = record(mapping, db)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"recorded {path.name}")


if __name__ == "__main__":
    main()
