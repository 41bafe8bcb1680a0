"""The FHIR R4 examples in the shared data, and JSON trees flattened to comparable paths."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MAPPED_TYPES = (
    "ChargeItem",
    "Coverage",
    "Device",
    "Invoice",
    "Location",
    "Organization",
    "Patient",
    "PaymentReconciliation",
    "Practitioner",
    "SupplyDelivery",
    "SupplyRequest",
)


@dataclass(frozen=True)
class Example:
    """One resource found in a shared file: at top level, in a Bundle entry or contained."""

    file: str
    path: str
    resource: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.file}#{self.path}"


@cache
def documents(folder: Path) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every JSON document under fhir-r4 (Synthea included), by file name."""
    root = folder / "fhir-r4"
    files = sorted(root.glob("*.json")) + sorted((root / "synthea").glob("*.json"))
    return tuple((str(path.relative_to(root)), json.loads(path.read_text())) for path in files)


@cache
def examples(folder: Path) -> tuple[Example, ...]:
    """Every resource in the shared FHIR data, nested ones included."""
    found: list[Example] = []
    for name, document in documents(folder):
        _collect(document, document.get("resourceType", "$"), name, found)
    return tuple(found)


def examples_of(folder: Path, resource_type: str) -> list[Example]:
    return [item for item in examples(folder) if item.resource["resourceType"] == resource_type]


def _collect(resource: dict[str, Any], path: str, file: str, found: list[Example]) -> None:
    found.append(Example(file, path, resource))
    for index, inner in enumerate(resource.get("contained", [])):
        _collect(inner, f"{path}.contained[{index}]", file, found)
    if resource.get("resourceType") == "Bundle":
        for index, entry in enumerate(resource.get("entry", [])):
            if "resource" in entry:
                _collect(entry["resource"], f"{path}.entry[{index}].resource", file, found)


def flatten(value: Any, path: str = "") -> dict[str, tuple[type, Any]]:
    """Leaf path (``a[0].b``) -> (JSON type, value); ``True`` and ``1`` stay different."""
    leaves: dict[str, tuple[type, Any]] = {}
    if isinstance(value, dict) and value:
        for key, item in value.items():
            leaves.update(flatten(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            leaves.update(flatten(item, f"{path}[{index}]"))
    else:
        leaves[path] = (type(value), value)
    return leaves


_INDEX = re.compile(r"\[\d+\]")


def normalized(path: str) -> str:
    """The path without list indices (``a[0].b`` -> ``a[].b``), as loss patterns are written."""
    return _INDEX.sub("[]", path)


def oracle(resource_type: str) -> Any:
    """The fhir.resources R4B model class of ``resource_type`` (the validation oracle)."""
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)
