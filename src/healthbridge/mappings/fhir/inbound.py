"""The Odoo-bound way in for FHIR: any resource or Bundle -> canonical objects, clinical-free.

Clinical resources and elements are stripped first (and reported), then every resource
the hub has a canonical form for is mapped, from Bundle entries and contained resources
too. What is left over (a Claim, an AuditEvent) is reported as unmapped, never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from healthbridge.mappings.clinical import CLINICAL_RESOURCE_TYPES, strip_clinical
from healthbridge.mappings.fhir.charge_item import fhir_to_charge
from healthbridge.mappings.fhir.coverage import fhir_to_coverage
from healthbridge.mappings.fhir.device import fhir_to_product
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.invoice import fhir_to_invoice
from healthbridge.mappings.fhir.location import fhir_to_location
from healthbridge.mappings.fhir.organization import fhir_to_organization
from healthbridge.mappings.fhir.patient import fhir_to_patient
from healthbridge.mappings.fhir.payment_reconciliation import fhir_to_payment
from healthbridge.mappings.fhir.practitioner import fhir_to_practitioner
from healthbridge.mappings.fhir.supply_delivery import fhir_to_supply_delivery
from healthbridge.mappings.fhir.supply_request import fhir_to_supply_order

FHIR_READERS: Mapping[str, Callable[[Any], BaseModel]] = MappingProxyType(
    {
        "ChargeItem": fhir_to_charge,
        "Coverage": fhir_to_coverage,
        "Device": fhir_to_product,
        "Invoice": fhir_to_invoice,
        "Location": fhir_to_location,
        "Organization": fhir_to_organization,
        "Patient": fhir_to_patient,
        "PaymentReconciliation": fhir_to_payment,
        "Practitioner": fhir_to_practitioner,
        "SupplyDelivery": fhir_to_supply_delivery,
        "SupplyRequest": fhir_to_supply_order,
    }
)
"""The reader for each FHIR resource type that has a canonical form."""


@dataclass(frozen=True, slots=True)
class MappedResource:
    """One canonical object and where in the input its resource was."""

    path: str
    resource_type: str
    obj: BaseModel


@dataclass(frozen=True, slots=True)
class InboundFhir:
    """What a FHIR payload gives Odoo: canonical objects, and what was left out and where."""

    mapped: tuple[MappedResource, ...]
    clinical_dropped: tuple[str, ...]
    unmapped: tuple[str, ...]

    @property
    def objects(self) -> tuple[BaseModel, ...]:
        """The canonical objects alone, in input order."""
        return tuple(item.obj for item in self.mapped)


def canonical_from_fhir(payload: Any) -> InboundFhir:
    """Canonical objects for every mappable resource in ``payload``, with no clinical content.

    Raises :class:`MappingError` (with the full path, Bundle entry included) when a
    mappable resource is malformed: a message is taken whole or not at all.
    """
    if not isinstance(payload, Mapping):
        raise MappingError("$", "a FHIR payload must be a JSON object")
    root = payload.get("resourceType")
    walk = _Walk()
    walk.visit(payload, root if isinstance(root, str) else "$")
    return InboundFhir(tuple(walk.mapped), tuple(dict.fromkeys(walk.dropped)), tuple(walk.unmapped))


class _Walk:
    """Visits a resource, its contained resources and Bundle entries, keeping exact paths."""

    def __init__(self) -> None:
        self.mapped: list[MappedResource] = []
        self.dropped: list[str] = []
        self.unmapped: list[str] = []

    def visit(self, resource: Mapping[str, Any], path: str) -> None:
        resource_type = resource.get("resourceType")
        if not isinstance(resource_type, str):
            raise MappingError(f"{path}.resourceType", "must name the resource type")
        if resource_type in CLINICAL_RESOURCE_TYPES:
            self.dropped.append(path)
            return
        for index, inner in enumerate(_resources(resource, "contained", path)):
            if inner is not None:
                self.visit(inner, f"{path}.contained[{index}]")
        if resource_type == "Bundle":
            for index, entry in enumerate(_resources(resource, "entry", path)):
                inner = entry.get("resource") if entry is not None else None
                if isinstance(inner, Mapping):
                    self.visit(inner, f"{path}.entry[{index}].resource")
            return
        reader = FHIR_READERS.get(resource_type)
        if reader is None:
            self.unmapped.append(path)
            return
        clean, gone = strip_clinical(resource)
        self.dropped.extend(path + item.removeprefix(resource_type) for item in gone)
        try:
            obj = reader(clean)
        except MappingError as error:
            raise MappingError(
                path + error.path.removeprefix(resource_type), error.reason
            ) from None
        self.mapped.append(MappedResource(path, resource_type, obj))


def _resources(resource: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any] | None]:
    value = resource.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MappingError(f"{path}.{key}", "must be a JSON array")
    return [item if isinstance(item, Mapping) else None for item in value]
