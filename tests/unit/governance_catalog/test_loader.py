"""The loader reads YAML manifests and points every problem at its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthbridge.governance.catalog import (
    CatalogError,
    CatalogMissingError,
    catalog_from_texts,
    example_texts,
    load_catalog,
    write_example,
)

CONSUMER = """\
apiVersion: healthbridge.io/v1
kind: Consumer
metadata:
  name: lab-system
spec:
  owner: laboratory
  purpose_of_use: operations
  scopes: [system/Location.rs]
"""


def _problems(texts: dict[str, str]) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        catalog_from_texts(texts)
    return [str(problem) for problem in caught.value.problems]


def test_the_example_catalog_loads_every_kind() -> None:
    catalog = catalog_from_texts(
        {name: text for name, text in example_texts().items() if name.endswith(".yaml")}
    )
    kinds = {entry.kind for entry in catalog}
    assert kinds == {
        "Integration",
        "Consumer",
        "WebhookEndpoint",
        "Subscription",
        "Schedule",
        "Deprecation",
        "Policy",
    }
    assert catalog.get("Integration", "patient-registration") is not None


def test_a_wrong_type_names_the_file_the_line_and_the_field() -> None:
    text = CONSUMER.replace("  scopes: [system/Location.rs]\n", "  scopes: 42\n")
    assert _problems({"consumers.yaml": text}) == [
        "consumers.yaml:8: spec.scopes: Input should be a valid list"
    ]


def test_a_missing_field_points_at_its_parent() -> None:
    text = CONSUMER.replace("  purpose_of_use: operations\n", "")
    assert _problems({"c.yaml": text}) == ["c.yaml:5: spec.purpose_of_use: is required"]


def test_an_unknown_field_is_reported_where_it_is_written() -> None:
    text = CONSUMER + "  colour: blue\n"
    assert _problems({"c.yaml": text}) == ["c.yaml:9: spec.colour: is not a field of this kind"]


def test_lines_count_from_the_start_of_the_file_across_documents() -> None:
    second = CONSUMER.replace("lab-system", "radiology").replace("operations", "")
    text = CONSUMER + "---\n" + second.replace("  purpose_of_use: \n", "  purpose_of_use: 7\n")
    problems = _problems({"c.yaml": text})
    assert len(problems) == 1
    assert problems[0].startswith("c.yaml:16: spec.purpose_of_use:")


def test_an_unknown_kind_and_a_wrong_api_version_are_named() -> None:
    problems = _problems(
        {
            "a.yaml": CONSUMER.replace("kind: Consumer", "kind: Gadget"),
            "b.yaml": CONSUMER.replace("healthbridge.io/v1", "healthbridge.io/v0"),
        }
    )
    assert problems[0].startswith("a.yaml:2: kind: must be one of Integration")
    assert problems[1] == "b.yaml:1: apiVersion: must be healthbridge.io/v1"


def test_invalid_yaml_names_the_line_of_the_syntax_error() -> None:
    text = CONSUMER.replace("  owner: laboratory\n", "  owner: [laboratory\n")
    problems = _problems({"c.yaml": text})
    assert len(problems) == 1
    assert problems[0].startswith("c.yaml:")
    assert "not valid YAML" in problems[0]


def test_a_name_defined_twice_points_at_the_second_and_names_the_first() -> None:
    problems = _problems({"a.yaml": CONSUMER, "b.yaml": CONSUMER})
    assert problems == [
        "b.yaml:4: metadata.name: Consumer lab-system is already defined at a.yaml:1"
    ]


def test_a_bad_name_is_rejected() -> None:
    problems = _problems({"c.yaml": CONSUMER.replace("lab-system", "Lab System")})
    assert problems[0].startswith("c.yaml:4: metadata.name: String should match pattern")


def test_every_problem_in_a_folder_is_collected_before_raising(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(CONSUMER.replace("  owner: laboratory\n", ""))
    nested = tmp_path / "team"
    nested.mkdir()
    (nested / "two.yml").write_text(
        CONSUMER.replace("lab-system", "x").replace("42", "y") + "  z: 1\n"
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    files = sorted({problem.file for problem in caught.value.problems})
    assert files == [str(tmp_path / "one.yaml"), str(nested / "two.yml")]


def test_a_missing_folder_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissingError, match="catalog init"):
        load_catalog(tmp_path / "nowhere")


def test_an_entry_finds_the_line_of_a_nested_field(tmp_path: Path) -> None:
    write_example(tmp_path)
    catalog = load_catalog(tmp_path)
    entry = catalog.get("Integration", "payer-claims")
    assert entry is not None
    lines = (tmp_path / "payers.yaml").read_text().splitlines()
    assert lines[entry.line_of("spec.controls.approval") - 1].strip().startswith("approval:")
    assert lines[entry.line_of("spec.slos.missing_field") - 1].strip().startswith("slos:")
    assert entry.line_of(None) == entry.line
