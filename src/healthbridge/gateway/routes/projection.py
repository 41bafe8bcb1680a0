"""Apply minimum-necessary projection to a response model, from its own field classes.

Every response model of the business routes annotates its fields with a data class (the
same markers the canonical objects use), so its OpenAPI schema shows ``x-data-class`` and
:func:`projected` can drop what the caller may not see. The dropped dotted paths go into
the response's ``withheld`` list: a consumer can tell "withheld" from "empty".
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from healthbridge.canonical.classification import PUBLIC, effective_data_classes
from healthbridge.security.principal import Principal
from healthbridge.security.projection import project, visible_classes


class ProjectedResponse(BaseModel):
    """Base of every projected response: its fields carry data classes, ``withheld`` lists drops."""

    model_config = ConfigDict(extra="forbid")

    withheld: Annotated[
        list[str],
        PUBLIC,
        Field(
            description=(
                "Dotted paths of fields left out because the caller lacks the scope for "
                "their data class (phi needs phi.read); absent is not the same as empty."
            )
        ),
    ] = []


R = TypeVar("R", bound=ProjectedResponse)


@cache
def field_classes(model: type[BaseModel]) -> dict[str, str]:
    """Dotted path of every leaf of ``model`` -> its effective data class (as a string)."""
    return {path: data_class.value for path, data_class in effective_data_classes(model).items()}


def projected(model: type[R], document: dict[str, Any], principal: Principal) -> R:
    """``model`` built from ``document`` minus what ``principal`` may not see, drops listed."""
    classes = field_classes(model)
    result = project(document, classes, visible_classes(principal.scopes))
    kept = dict(result.document)
    kept["withheld"] = list(result.withheld)
    return model.model_validate(kept)
