"""The example catalog as editable documents, and a way to lint a changed copy of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from healthbridge.governance.catalog import Catalog, catalog_from_texts, example_texts
from healthbridge.governance.contract_files import list_contracts
from healthbridge.governance.policy import LintResult, PolicyEngine

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
Documents = dict[str, list[dict[str, Any]]]


def example_documents() -> Documents:
    """File name -> the YAML documents of the example catalog, as plain data."""
    return {
        name: list(yaml.safe_load_all(text))
        for name, text in example_texts().items()
        if name.endswith(".yaml")
    }


def catalog_of(documents: Documents) -> Catalog:
    """The catalog those documents make, written out as YAML first (so lines are real)."""
    texts = {
        name: yaml.safe_dump_all(docs, sort_keys=False) for name, docs in documents.items() if docs
    }
    return catalog_from_texts(texts)


def committed() -> dict[str, list[str]]:
    versions: dict[str, list[str]] = {}
    for item in list_contracts(CONTRACTS):
        versions.setdefault(item.name, []).append(item.version)
    return versions


def lint(catalog: Catalog) -> LintResult:
    """Default rules plus the catalog's own, against the committed contracts."""
    return PolicyEngine.for_catalog(catalog).evaluate(catalog, contracts=committed())


def find(documents: Documents, kind: str, name: str) -> dict[str, Any]:
    """The document of ``kind`` named ``name`` (to change it in place)."""
    for docs in documents.values():
        for document in docs:
            if document["kind"] == kind and document["metadata"]["name"] == name:
                return document
    raise LookupError(f"{kind}/{name}")


@pytest.fixture
def documents() -> Documents:
    return example_documents()


Mutation = Callable[[Documents], None]
