"""FHIR choice elements (``occurrence[x]``, ``item[x]``...) read and written as one value."""

from __future__ import annotations

from datetime import date
from typing import Any

from healthbridge.canonical.coding import Concept
from healthbridge.canonical.periods import Period
from healthbridge.canonical.references import Reference
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    period_json,
    put,
    read_concept,
    read_one,
    read_period,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import JsonObject, day_or_instant, temporal_json


def read_occurrence(obj: JsonObject, path: str) -> tuple[date | None, Period | None]:
    """``occurrenceDateTime`` or ``occurrencePeriod`` (``occurrenceTiming`` is not carried)."""
    moment = day_or_instant(obj, "occurrenceDateTime", path)
    period = read_one(obj, "occurrencePeriod", path, read_period)
    if moment is not None and period is not None:
        raise MappingError(f"{path}.occurrence[x]", "only one of its forms may be present")
    return moment, period


def write_occurrence(out: dict[str, Any], moment: date | None, period: Period | None) -> None:
    """Sets ``occurrenceDateTime`` or ``occurrencePeriod`` on ``out``."""
    if moment is not None:
        out["occurrenceDateTime"] = temporal_json(moment)
    elif period is not None:
        put(out, "occurrencePeriod", period_json(period))


def read_item(
    obj: JsonObject, prefix: str, path: str, *, required: bool
) -> tuple[Reference | None, Concept | None]:
    """``<prefix>Reference`` or ``<prefix>CodeableConcept``: what is ordered, billed, supplied."""
    reference = read_one(obj, f"{prefix}Reference", path, read_reference)
    concept = read_one(obj, f"{prefix}CodeableConcept", path, read_concept)
    if reference is not None and concept is not None:
        raise MappingError(f"{path}.{prefix}[x]", "only one of its forms may be present")
    if required and reference is None and concept is None:
        raise MappingError(f"{path}.{prefix}[x]", "is required")
    return reference, concept


def write_item(
    out: dict[str, Any], prefix: str, reference: Reference | None, concept: Concept | None
) -> None:
    """Sets ``<prefix>CodeableConcept`` (preferred: codes travel further) or the reference."""
    if concept is not None:
        put(out, f"{prefix}CodeableConcept", concept_json(concept))
    elif reference is not None:
        put(out, f"{prefix}Reference", reference_json(reference))
