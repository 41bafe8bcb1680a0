"""The published JSON Schemas match the models, and the example catalog obeys them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from healthbridge.governance.catalog import (
    EXAMPLE_FILES,
    MANIFEST_KINDS,
    catalog_schema,
    catalog_schemas,
    example_texts,
    write_example,
)
from healthbridge.governance.catalog.scaffold import CatalogExistsError

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas" / "catalog"


@pytest.mark.parametrize("kind", list(MANIFEST_KINDS))
def test_the_committed_schema_of_each_kind_is_what_the_model_publishes(kind: str) -> None:
    committed = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == catalog_schema(kind), "regenerate with `healthbridge catalog schemas`"


def test_every_schema_is_a_valid_2020_12_schema_with_a_stable_id() -> None:
    for kind, schema in catalog_schemas().items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:healthbridge:catalog:v1:{kind}"


def test_every_example_manifest_validates_against_its_published_schema() -> None:
    schemas = catalog_schemas()
    checked = 0
    for name, text in example_texts().items():
        if not name.endswith(".yaml"):
            continue
        for document in yaml.safe_load_all(text):
            # JSON Schema sees JSON: dates become strings as they would in a JSON manifest.
            as_json = json.loads(json.dumps(document, default=str))
            Draft202012Validator(schemas[document["kind"]]).validate(as_json)
            checked += 1
    assert checked == 18


def test_the_schema_rejects_what_the_loader_rejects() -> None:
    validator = Draft202012Validator(catalog_schema("Consumer"))
    bad = {
        "apiVersion": "healthbridge.io/v1",
        "kind": "Consumer",
        "metadata": {"name": "x"},
        "spec": {"owner": "t", "purpose_of_use": "p", "route": "sideways"},
    }
    assert [error.path[-1] for error in validator.iter_errors(bad)] == ["route"]


def test_init_writes_the_example_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    written = write_example(tmp_path / "catalog")
    assert [path.name for path in written] == list(EXAMPLE_FILES)
    assert "# Consumers" in (tmp_path / "catalog" / "consumers.yaml").read_text()
    with pytest.raises(CatalogExistsError, match="--force"):
        write_example(tmp_path / "catalog")
    assert len(write_example(tmp_path / "catalog", force=True)) == len(EXAMPLE_FILES)
