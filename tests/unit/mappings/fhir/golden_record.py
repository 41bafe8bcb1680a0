"""Records golden examples for mapping versions that have none yet.

Run ``python -m tests.unit.mappings.fhir.golden_record`` after bumping a version in
``MAPPING_VERSIONS``. An existing file is never rewritten: a recorded version is a
promise that the mapping's output for those inputs is what the file says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from healthbridge.mappings.fhir import MAPPING_VERSIONS
from tests.unit.mappings.fhir.golden_cases import GOLDEN_CASES, run_case

GOLDEN = Path(__file__).with_name("golden")


def golden_path(mapping: str, version: str) -> Path:
    """``golden/<mapping>@<version>.json``."""
    return GOLDEN / f"{mapping}@{version}.json"


def record(mapping: str, version: str) -> dict[str, Any]:
    """The golden document of ``mapping`` at ``version`` from the current cases."""
    builder, _, _ = GOLDEN_CASES[mapping]
    cases = []
    for name, canonical in builder():
        fhir, read_back = run_case(mapping, canonical)
        cases.append(
            {
                "name": name,
                "model": type(canonical).__name__,
                "canonical": canonical.model_dump(mode="json"),
                "fhir": fhir,
                "read_back": read_back.model_dump(mode="json"),
            }
        )
    return {"mapping": mapping, "version": version, "cases": cases}


def main() -> None:
    """Writes the golden file of every mapping version that has none."""
    for mapping, version in sorted(MAPPING_VERSIONS.items()):
        path = golden_path(mapping, version)
        if path.exists():
            continue
        document = record(mapping, version)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"recorded {path.name}")


if __name__ == "__main__":
    main()
