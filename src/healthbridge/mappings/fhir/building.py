"""Constructing canonical values from mapped parts, with errors that name the FHIR path."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from healthbridge.mappings.fhir.errors import MappingError

ModelT = TypeVar("ModelT", bound=BaseModel)


def build(model: type[ModelT], path: str, **fields: Any) -> ModelT:
    """``model(**fields)``; a canonical rule broken by the input becomes a :class:`MappingError`.

    Only the rule is reported (pydantic's message and the canonical field), never the
    value that broke it.
    """
    try:
        return model(**fields)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False, include_context=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = first["msg"] if not where else f"{first['msg']} (canonical {where})"
        raise MappingError(path, reason) from None
