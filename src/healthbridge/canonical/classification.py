"""Data classes: how sensitive each canonical field is, readable at runtime and in JSON Schema.

Every field of every canonical object is annotated with one :class:`DataClass`. Later layers
use it without knowing the objects: projection keeps the fields a consumer may see,
encryption picks the fields to seal, log redaction drops them. The class travels in two
forms from one annotation: as ``Annotated`` metadata that :func:`field_data_classes` reads,
and as ``x-data-class`` beside the property in the generated JSON Schema, so the contract
kept in the repository says it too.

A field that holds a nested value (an address, an identifier) has a class of its own, and
so do the nested value's fields; the *effective* class of a nested leaf is the more
sensitive of the two (an address is operational on a facility, PHI on a patient).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Union

from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class DataClass(StrEnum):
    """How sensitive a value is; the order of :attr:`rank` is public < ... < phi."""

    PUBLIC = "public"
    OPERATIONAL = "operational"
    FINANCIAL = "financial"
    PII = "pii"
    PHI = "phi"

    @property
    def rank(self) -> int:
        """Position in the sensitivity order, so two classes can be compared."""
        return _RANK[self]


_RANK = {data_class: rank for rank, data_class in enumerate(DataClass)}


@dataclass(frozen=True, slots=True)
class Classified:
    """``Annotated`` marker giving a field its data class (and ``x-data-class`` in the schema)."""

    data_class: DataClass

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Adds ``x-data-class`` next to the property's own schema."""
        schema = handler(core_schema)
        schema["x-data-class"] = self.data_class.value
        return schema


PUBLIC = Classified(DataClass.PUBLIC)
OPERATIONAL = Classified(DataClass.OPERATIONAL)
FINANCIAL = Classified(DataClass.FINANCIAL)
PII = Classified(DataClass.PII)
PHI = Classified(DataClass.PHI)


def most_sensitive(*classes: DataClass) -> DataClass:
    """The most sensitive of ``classes``: what a value that mixes them must be treated as."""
    return max(classes, key=_RANK.__getitem__)


def data_class_of(model: type[BaseModel], field: str) -> DataClass:
    """The data class declared on ``model.field``; ``LookupError`` if it has none."""
    info = model.model_fields[field]
    for item in info.metadata:
        if isinstance(item, Classified):
            return item.data_class
    raise LookupError(f"{model.__name__}.{field} has no data class")


def field_data_classes(model: type[BaseModel]) -> dict[str, DataClass]:
    """Every declared field of ``model`` (not nested) with its data class."""
    return {name: data_class_of(model, name) for name in model.model_fields}


def unclassified_fields(model: type[BaseModel]) -> list[str]:
    """Dotted paths of fields, nested ones included, that carry no data class (should be none)."""
    missing: list[str] = []
    _walk(model, model.__name__, inherited=None, missing=missing, found={}, active=set())
    return missing


def effective_data_classes(model: type[BaseModel]) -> dict[str, DataClass]:
    """Dotted path of every leaf field (nested values flattened) with its effective class."""
    found: dict[str, DataClass] = {}
    _walk(model, "", inherited=None, missing=[], found=found, active=set())
    return found


def _walk(
    model: type[BaseModel],
    prefix: str,
    *,
    inherited: DataClass | None,
    missing: list[str],
    found: dict[str, DataClass],
    active: set[type[BaseModel]],
) -> None:
    active = active | {model}
    for name in model.model_fields:
        path = f"{prefix}.{name}" if prefix else name
        try:
            own = data_class_of(model, name)
        except LookupError:
            missing.append(path)
            continue
        effective = own if inherited is None else most_sensitive(own, inherited)
        nested = [m for m in _models_in(model.model_fields[name].annotation) if m not in active]
        if not nested:
            found[path] = effective
        for sub in nested:
            _walk(sub, path, inherited=effective, missing=missing, found=found, active=active)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models a field annotation can hold (through unions, tuples, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None:
        return []
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType, tuple, list, frozenset, set):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []
