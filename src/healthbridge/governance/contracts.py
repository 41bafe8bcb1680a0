"""Contract documents: the JSON Schema 2020-12 a canonical model or event publishes.

A contract is what a consumer builds against, so it is generated from the model (never
written by hand), kept in the repository under ``contracts/<name>/<version>.json`` and
changed only by a version bump. Each document names itself with ``$id``
(``urn:healthbridge:contract:<name>:<version>``) and ``version``, and carries the
``x-data-class`` that each canonical field declares, which projection and policy read.

The schema is pydantic's *serialization* schema: the JSON the hub emits. It is also what
writers of inbound bodies should send, since the model accepts at least that much.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from healthbridge.canonical.changes import OdooChange
from healthbridge.canonical.events import CANONICAL_EVENTS
from healthbridge.canonical.objects import CANONICAL_OBJECTS, CONTRACT_VERSIONS
from healthbridge.governance.errors import ContractNameError
from healthbridge.governance.schema_walk import (
    DATA_CLASS_KEYWORD,
    SchemaDocument,
    as_dict,
    child,
    shape_of,
)
from healthbridge.governance.versioning import parse_version

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CONTRACT_URN_PREFIX = "urn:healthbridge:contract:"
DATA_CLASSES: tuple[str, ...] = ("phi", "pii", "financial", "operational", "public")
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,127}$")

ContractKind = Literal["object", "event"]

EVENT_CONTRACT_VERSIONS: Mapping[str, str] = {"OdooChange": "1.0.0"}
"""Versions of the event contracts whose models do not (yet) have one in the canonical package."""


@dataclass(frozen=True)
class ContractSource:
    """A model that publishes a contract, with the name and version it publishes under."""

    name: str
    version: str
    model: type[BaseModel]
    kind: ContractKind


def check_name(name: str) -> str:
    """``name`` unchanged when it can be a URN segment and a folder name; else raises."""
    if not NAME_PATTERN.match(name):
        raise ContractNameError(
            f"contract name {name[:40]!r} must be a letter then letters, digits, '_', '.' or '-'",
            details={"name": name[:40]},
        )
    return name


def contract_id(name: str, version: str) -> str:
    """The contract's ``$id``: ``urn:healthbridge:contract:<name>:<version>``."""
    parse_version(version)
    return f"{CONTRACT_URN_PREFIX}{check_name(name)}:{version}"


def parse_contract_id(value: str) -> tuple[str, str]:
    """``(name, version)`` from a contract ``$id``; raises ``ContractNameError`` if malformed."""
    if not value.startswith(CONTRACT_URN_PREFIX) or value.count(":") != 4:
        raise ContractNameError(
            "not a Healthbridge contract id (urn:healthbridge:contract:<name>:<version>)",
            details={"id": value[:120]},
        )
    name, version = value[len(CONTRACT_URN_PREFIX) :].split(":")
    parse_version(version)
    return check_name(name), version


def contract_document(model: type[BaseModel], *, name: str, version: str) -> dict[str, Any]:
    """The contract ``model`` publishes as ``name`` at ``version``: a 2020-12 JSON Schema.

    The identity keywords come first so a reader of the file sees what it is at once,
    then pydantic's serialization schema in its own order, with ``$defs`` last.
    """
    schema = model.model_json_schema(mode="serialization")
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": contract_id(name, version),
        "title": name,
        "version": version,
    }
    document.update((key, value) for key, value in schema.items() if key not in document)
    if "$defs" in document:
        document["$defs"] = document.pop("$defs")  # the object's own fields read first
    return document


def contract_sources() -> tuple[ContractSource, ...]:
    """Every model that publishes a contract: canonical objects, then events, each by name.

    An event's version comes from ``CONTRACT_VERSIONS`` when the canonical package lists
    it there, else from :data:`EVENT_CONTRACT_VERSIONS`.
    """
    objects = [
        ContractSource(name, CONTRACT_VERSIONS[name], model, "object")
        for name, model in sorted(CANONICAL_OBJECTS.items())
    ]
    events = [
        ContractSource(name, CONTRACT_VERSIONS.get(name, version), model, "event")
        for name, model, version in sorted(_event_models(), key=lambda source: source[0])
    ]
    return (*objects, *events)


def _event_models() -> list[tuple[str, type[BaseModel], str]]:
    """The Odoo change record and every canonical event, with the version each publishes."""
    events: list[tuple[str, type[BaseModel], str]] = [
        ("OdooChange", OdooChange, EVENT_CONTRACT_VERSIONS["OdooChange"])
    ]
    events.extend((name, model, model.contract_version) for name, model in CANONICAL_EVENTS.items())
    return events


def contract_data_classes(document: Mapping[str, Any]) -> Iterator[tuple[str, str | None]]:
    """Each property of a contract, nested ones included, as (JSON Pointer, ``x-data-class``).

    The class is the one the property itself declares (``None`` when it declares none),
    so a check can insist that every field, at every depth, says how sensitive it is.
    A recursive model's fields are listed where the model first appears.
    """
    doc = SchemaDocument(document)
    yield from _walk_fields(doc, document, "", frozenset())


def _walk_fields(
    doc: SchemaDocument, raw: Any, path: str, seen: frozenset[str]
) -> Iterator[tuple[str, str | None]]:
    node, refs = doc.expand(raw)
    shape = shape_of(doc, node, refs)
    for index, alternative in enumerate(shape.alternatives):
        if any(ref in seen for ref in alternative.refs):
            continue
        inner = seen | set(alternative.refs)
        here = path if shape.union is None else child(path, shape.union, index)
        properties = as_dict(alternative.node.get("properties")) or {}
        for name, value in properties.items():
            field_path = child(here, "properties", name)
            declared = doc.expand(value)[0].get(DATA_CLASS_KEYWORD)
            yield field_path, declared if isinstance(declared, str) else None
            yield from _walk_fields(doc, value, field_path, inner)
        for keyword in ("items", "additionalProperties"):
            nested = alternative.node.get(keyword)
            if isinstance(nested, Mapping):
                yield from _walk_fields(doc, nested, child(here, keyword), inner)
