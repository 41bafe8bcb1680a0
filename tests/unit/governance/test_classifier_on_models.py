"""The classifier on schemas as pydantic writes them: $ref into $defs, Optional, lists, Literals."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from healthbridge.governance import classify, contract_document


def schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's schema under one title, so renaming the test class is not a change."""
    return {**model.model_json_schema(mode="serialization"), "title": "Contract"}


def kinds_at(report: Any) -> set[tuple[str, str]]:
    return {(reason.kind, reason.path) for reason in report.reasons}


class LineV1(BaseModel):
    product_gtin: str = Field(max_length=14, json_schema_extra={"x-data-class": "public"})
    quantity: int = Field(gt=0, json_schema_extra={"x-data-class": "operational"})


class OrderV1(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["draft", "sent", "purchase"] = Field(
        json_schema_extra={"x-data-class": "operational"}
    )
    lines: list[LineV1] = Field(json_schema_extra={"x-data-class": "operational"})
    note: str | None = Field(default=None, json_schema_extra={"x-data-class": "operational"})


class LineV2(BaseModel):
    product_gtin: str = Field(max_length=14, json_schema_extra={"x-data-class": "public"})
    quantity: Decimal = Field(gt=0, json_schema_extra={"x-data-class": "operational"})
    lot: str | None = Field(default=None, json_schema_extra={"x-data-class": "operational"})


class OrderV2(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["draft", "sent", "purchase", "cancel"] = Field(
        json_schema_extra={"x-data-class": "operational"}
    )
    lines: list[LineV2] = Field(json_schema_extra={"x-data-class": "operational"})
    note: str | None = Field(default=None, json_schema_extra={"x-data-class": "phi"})


def test_a_change_inside_a_referenced_model_is_reported_at_its_place_in_the_data() -> None:
    report = classify(schema(OrderV1), schema(OrderV2))

    found = kinds_at(report)
    assert ("type_changed", "/properties/lines/items/properties/quantity") in found
    assert ("field_added_optional", "/properties/lines/items/properties/lot") in found
    assert ("enum_value_added", "/properties/state") in found
    assert ("data_class_changed", "/properties/note") in found
    assert report.verdict == "breaking"
    assert not any("$defs" in reason.path for reason in report.reasons)


def test_relabelling_a_field_as_phi_is_breaking_and_says_who_must_be_reviewed() -> None:
    report = classify(schema(OrderV1), schema(OrderV2), direction="read")

    (reason,) = [r for r in report.reasons if r.kind == "data_class_changed"]
    assert reason.old == {"x-data-class": "operational"}
    assert reason.new == {"x-data-class": "phi"}
    assert reason.effect == "breaking"
    assert "operational" in reason.detail
    assert "phi" in reason.detail
    assert "entitle" in reason.detail


def test_two_versions_of_one_contract_differ_only_where_the_model_did() -> None:
    old = contract_document(OrderV1, name="SupplyOrder", version="1")
    new = contract_document(OrderV1, name="SupplyOrder", version="2")

    report = classify(old, new)

    assert report.verdict == "identical"
    assert report.reasons == ()


def test_an_optional_nested_model_is_followed_through_any_of_null() -> None:
    class Address(BaseModel):
        city: str

    class AddressV2(BaseModel):
        city: str
        postcode: str

    class Before(BaseModel):
        address: Address | None = None

    class After(BaseModel):
        address: AddressV2 | None = None

    report = classify(schema(Before), schema(After))

    assert ("required_added", "/properties/address/properties/postcode") in kinds_at(report)
    assert report.verdict == "breaking"
    assert classify(schema(Before), schema(After), direction="read").verdict == "additive"


def test_a_literal_gaining_a_second_value_is_an_enum_value_added() -> None:
    class Before(BaseModel):
        source: Literal["webhook"]

    class After(BaseModel):
        source: Literal["webhook", "poller"]

    report = classify(schema(Before), schema(After))

    assert [(r.kind, r.path) for r in report.reasons if r.kind != "annotation_changed"] == [
        ("enum_value_added", "/properties/source")
    ]
    assert report.verdict == "additive"


def test_trading_greater_than_zero_for_at_least_zero_is_one_loosening() -> None:
    class Before(BaseModel):
        quantity: int = Field(gt=0)

    class After(BaseModel):
        quantity: int = Field(ge=0)

    report = classify(schema(Before), schema(After), direction="write")

    assert [(r.kind, r.old, r.new) for r in report.reasons] == [
        ("constraint_loosened", {"exclusiveMinimum": 0}, {"minimum": 0})
    ]
    assert report.verdict == "additive"


def test_a_recursive_model_is_compared_without_looping() -> None:
    class Node(BaseModel):
        name: str
        children: list[Node] = []

    class NodeV2(BaseModel):
        name: str = Field(max_length=10)
        children: list[NodeV2] = []

    report = classify(schema(Node), schema(NodeV2))

    assert ("constraint_tightened", "/properties/name") in kinds_at(report)
    assert report.verdict == "breaking"


def test_a_union_that_gains_an_alternative_is_widened_at_that_alternative() -> None:
    class Before(BaseModel):
        code: int | str

    class After(BaseModel):
        code: int | str | bool

    report = classify(schema(Before), schema(After))

    assert kinds_at(report) == {("type_widened", "/properties/code/anyOf/2")}
    assert classify(schema(Before), schema(After), direction="write").verdict == "additive"


def test_reasons_hold_schema_fragments_that_serialise_as_json() -> None:
    report = classify(schema(OrderV1), schema(OrderV2))

    text = json.dumps(report.to_dict())

    assert json.loads(text)["verdict"] == "breaking"
    assert len(json.loads(text)["reasons"]) == len(report.reasons)


def test_property_names_with_slashes_are_escaped_in_the_pointer() -> None:
    before = {"type": "object", "properties": {"a/b~c": {"type": "string"}}}
    after = {"type": "object", "properties": {}}

    (reason,) = classify(before, after).reasons

    assert reason.path == "/properties/a~1b~0c"
