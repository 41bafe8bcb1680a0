"""Every field of every canonical object says how sensitive it is, at runtime and in the schema."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from healthbridge.canonical.contact import HumanName
from healthbridge.canonical.objects import (
    CANONICAL_OBJECTS,
    DataClass,
    Patient,
    Product,
    data_class_of,
    effective_data_classes,
    field_data_classes,
    most_sensitive,
    unclassified_fields,
)

OBJECTS = sorted(CANONICAL_OBJECTS)


@pytest.mark.parametrize("name", OBJECTS)
def test_every_field_nested_ones_included_has_a_data_class(name: str) -> None:
    assert unclassified_fields(CANONICAL_OBJECTS[name]) == []


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [(f"#/{prop}", body) for prop, body in schema.get("properties", {}).items()]
    for def_name, definition in schema.get("$defs", {}).items():
        found += [
            (f"#/$defs/{def_name}/{prop}", body)
            for prop, body in definition.get("properties", {}).items()
        ]
    return found


@pytest.mark.parametrize("name", OBJECTS)
def test_every_property_of_the_json_schema_carries_x_data_class(name: str) -> None:
    schema = CANONICAL_OBJECTS[name].model_json_schema()
    properties = _properties(schema)
    assert properties
    missing = [where for where, body in properties if "x-data-class" not in body]
    assert not missing
    values = {body["x-data-class"] for _, body in properties}
    assert values <= {item.value for item in DataClass}


@pytest.mark.parametrize("name", OBJECTS)
def test_the_schema_and_the_runtime_say_the_same_class(name: str) -> None:
    model: type[BaseModel] = CANONICAL_OBJECTS[name]
    schema = model.model_json_schema()
    for field, data_class in field_data_classes(model).items():
        assert schema["properties"][field]["x-data-class"] == data_class.value


def test_a_patients_names_are_phi_though_a_name_alone_is_pii() -> None:
    assert data_class_of(HumanName, "family") is DataClass.PII
    assert data_class_of(Patient, "names") is DataClass.PHI
    assert effective_data_classes(Patient)["names.family"] is DataClass.PHI


def test_nested_fields_keep_their_own_class_when_it_is_the_more_sensitive() -> None:
    classes = effective_data_classes(Product)
    assert classes["list_price.amount"] is DataClass.FINANCIAL
    assert classes["identifiers.system"] is DataClass.PUBLIC


def test_sensitivity_orders_public_operational_financial_pii_phi() -> None:
    assert [item.rank for item in DataClass] == [0, 1, 2, 3, 4]
    assert most_sensitive(DataClass.PUBLIC, DataClass.PHI, DataClass.PII) is DataClass.PHI
    assert most_sensitive(DataClass.OPERATIONAL, DataClass.FINANCIAL) is DataClass.FINANCIAL


def test_asking_for_the_class_of_an_unclassified_field_is_an_error() -> None:
    class Loose(BaseModel):
        note: str = ""

    with pytest.raises(LookupError, match=r"Loose\.note"):
        data_class_of(Loose, "note")
    assert unclassified_fields(Loose) == ["Loose.note"]
