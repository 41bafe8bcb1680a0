"""FHIR Coverage <-> canonical Coverage (every element of R4 Coverage is carried)."""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.coverage import (
    CostException,
    CostToBeneficiary,
    Coverage,
    CoverageClass,
)
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    money_json,
    period_json,
    put,
    put_all,
    quantity_json,
    read_concept,
    read_many,
    read_money,
    read_one,
    read_period,
    read_quantity,
    read_reference,
    reference_json,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    as_object,
    boolean,
    code,
    integer,
    required_text,
    text,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"active", "cancelled", "draft", "entered-in-error"})


def fhir_to_coverage(resource: Any) -> Coverage:
    """Canonical Coverage from a FHIR R4 Coverage."""
    path = "Coverage"
    obj = open_resource(resource, path)
    status = code(obj, "status", path, STATUSES)
    if status is None:
        raise MappingError(f"{path}.status", "is required")
    beneficiary = read_one(obj, "beneficiary", path, read_reference)
    if beneficiary is None:
        raise MappingError(f"{path}.beneficiary", "is required")
    payors = read_many(obj, "payor", path, read_reference)
    if not payors:
        raise MappingError(f"{path}.payor", "at least one payor is required")
    return build(
        Coverage,
        path,
        identifiers=read_identifiers(obj, path),
        status=status,
        type=read_one(obj, "type", path, read_concept),
        policy_holder=read_one(obj, "policyHolder", path, read_reference),
        subscriber=read_one(obj, "subscriber", path, read_reference),
        subscriber_id=text(obj, "subscriberId", path),
        beneficiary=beneficiary,
        dependent=text(obj, "dependent", path),
        relationship=read_one(obj, "relationship", path, read_concept),
        period=read_one(obj, "period", path, read_period),
        payors=payors,
        classes=read_many(obj, "class", path, _read_class),
        order=integer(obj, "order", path, minimum=1),
        network=text(obj, "network", path),
        costs=read_many(obj, "costToBeneficiary", path, _read_cost),
        subrogation=boolean(obj, "subrogation", path),
        contracts=read_many(obj, "contract", path, read_reference),
    )


def coverage_to_fhir(coverage: Coverage) -> dict[str, Any]:
    """FHIR R4 Coverage JSON for a canonical Coverage."""
    out = start_resource("Coverage", coverage.identifiers)
    out["status"] = coverage.status
    if coverage.type is not None:
        put(out, "type", concept_json(coverage.type))
    if coverage.policy_holder is not None:
        put(out, "policyHolder", reference_json(coverage.policy_holder))
    if coverage.subscriber is not None:
        put(out, "subscriber", reference_json(coverage.subscriber))
    if coverage.subscriber_id is not None:
        out["subscriberId"] = coverage.subscriber_id
    put(out, "beneficiary", reference_json(coverage.beneficiary))
    if coverage.dependent is not None:
        out["dependent"] = coverage.dependent
    if coverage.relationship is not None:
        put(out, "relationship", concept_json(coverage.relationship))
    if coverage.period is not None:
        put(out, "period", period_json(coverage.period))
    put_all(out, "payor", [reference_json(reference) for reference in coverage.payors])
    if coverage.classes:
        out["class"] = [_class_json(item) for item in coverage.classes]
    if coverage.order is not None:
        out["order"] = coverage.order
    if coverage.network is not None:
        out["network"] = coverage.network
    if coverage.costs:
        out["costToBeneficiary"] = [_cost_json(cost) for cost in coverage.costs]
    if coverage.subrogation is not None:
        out["subrogation"] = coverage.subrogation
    if coverage.contracts:
        put_all(out, "contract", [reference_json(reference) for reference in coverage.contracts])
    return out


def _read_class(value: Any, path: str) -> CoverageClass:
    obj = as_object(value, path)
    class_type = read_one(obj, "type", path, read_concept)
    if class_type is None:
        raise MappingError(f"{path}.type", "is required")
    return build(
        CoverageClass,
        path,
        type=class_type,
        value=required_text(obj, "value", path),
        name=text(obj, "name", path),
    )


def _class_json(item: CoverageClass) -> dict[str, Any]:
    out: dict[str, Any] = {"type": concept_json(item.type), "value": item.value}
    if item.name is not None:
        out["name"] = item.name
    return out


def _read_cost(value: Any, path: str) -> CostToBeneficiary:
    obj = as_object(value, path)
    amount = read_one(obj, "valueMoney", path, read_money)
    quantity = read_one(obj, "valueQuantity", path, read_quantity)
    if (amount is None) == (quantity is None):
        raise MappingError(f"{path}.value[x]", "exactly one of its forms is required")
    return build(
        CostToBeneficiary,
        path,
        type=read_one(obj, "type", path, read_concept),
        amount=amount,
        quantity=quantity,
        exceptions=read_many(obj, "exception", path, _read_exception),
    )


def _cost_json(cost: CostToBeneficiary) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if cost.type is not None:
        put(out, "type", concept_json(cost.type))
    if cost.amount is not None:
        out["valueMoney"] = money_json(cost.amount)
    elif cost.quantity is not None:
        out["valueQuantity"] = quantity_json(cost.quantity)
    if cost.exceptions:
        out["exception"] = [_exception_json(item) for item in cost.exceptions]
    return out


def _read_exception(value: Any, path: str) -> CostException:
    obj = as_object(value, path)
    exception_type = read_one(obj, "type", path, read_concept)
    if exception_type is None:
        raise MappingError(f"{path}.type", "is required")
    return build(
        CostException,
        path,
        type=exception_type,
        period=read_one(obj, "period", path, read_period),
    )


def _exception_json(item: CostException) -> dict[str, Any]:
    out: dict[str, Any] = {"type": concept_json(item.type)}
    if item.period is not None:
        put(out, "period", period_json(item.period))
    return out
