"""Version steps a verdict needs, and the report as a person reads it in a terminal."""

from __future__ import annotations

import pytest
from rich.console import Console

from healthbridge.governance import (
    ContractNameError,
    bump_suffices,
    classify,
    parse_version,
    render_report,
    report_table,
    required_bump,
    version_bump,
)

OLD = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "Display name."},
        "status": {"enum": ["active", "inactive"]},
        "gtin": {"type": "string"},
    },
    "required": ["name"],
}
NEW = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "The display name."},
        "status": {"enum": ["active", "inactive", "retired"]},
        "lot": {"type": "string"},
    },
    "required": ["name"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1", (1, 0, 0)), ("1.4", (1, 4, 0)), ("2.0.3", (2, 0, 3)), ("0.1.0", (0, 1, 0))],
)
def test_versions_read_as_major_minor_patch(text: str, parsed: tuple[int, int, int]) -> None:
    assert parse_version(text) == parsed


@pytest.mark.parametrize("text", ["", "v1", "1.0.0.0", "01", "1.-1", "1.0.0-rc1", "1..0"])
def test_anything_else_is_not_a_version(text: str) -> None:
    with pytest.raises(ContractNameError) as raised:
        parse_version(text)
    assert raised.value.code == "contract.invalid_name"


@pytest.mark.parametrize(
    ("verdict", "bump"),
    [("breaking", "major"), ("additive", "minor"), ("compatible", "patch"), ("identical", "none")],
)
def test_each_verdict_needs_its_version_step(verdict: str, bump: str) -> None:
    assert required_bump(verdict) == bump  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "verdict", "enough"),
    [
        ("1.0.0", "2.0.0", "breaking", True),
        ("1.0.0", "1.1.0", "breaking", False),
        ("1.0.0", "1.1.0", "additive", True),
        ("1.0.0", "1.0.1", "additive", False),
        ("1.0.0", "1.0.1", "compatible", True),
        ("1", "2", "breaking", True),
        ("1.2.0", "1.2.0", "identical", True),
        ("1.2.0", "1.2.0", "compatible", False),
        ("2.0.0", "1.9.0", "compatible", False),
    ],
)
def test_a_version_step_suffices_only_when_it_is_as_big_as_the_change(
    old: str, new: str, verdict: str, enough: bool
) -> None:
    assert bump_suffices(old, new, verdict) is enough  # type: ignore[arg-type]


def test_a_step_backwards_is_no_step() -> None:
    assert version_bump("2.0.0", "1.9.9") is None
    assert version_bump("1.9.9", "2.0.0") == "major"


def test_the_text_report_starts_with_the_verdict_then_one_line_per_reason_worst_first() -> None:
    report = classify(OLD, NEW)

    lines = render_report(report).splitlines()

    assert (
        lines[0]
        == "breaking (judged for readers and writers): 2 breaking, 2 additive, 1 compatible"
    )
    assert len(lines) == 1 + len(report.reasons)
    effects = [line.split()[0] for line in lines[1:]]
    assert effects == ["breaking", "breaking", "additive", "additive", "compatible"]
    removed = next(line for line in lines if "field_removed" in line)
    assert "/properties/gtin" in removed
    assert "[breaks readers and writers]" in removed
    closed = next(line for line in lines if "additional_properties_closed" in line)
    assert "[breaks writers]" in closed
    assert " / " in closed  # the root is shown as "/"


def test_a_report_judged_for_readers_says_so() -> None:
    text = render_report(classify(OLD, NEW, direction="read"))

    assert text.splitlines()[0].startswith("breaking (judged for readers):")
    assert "writers" not in text


def test_an_identical_change_renders_as_one_line() -> None:
    assert render_report(classify(OLD, OLD)) == (
        "identical (judged for readers and writers): no differences"
    )


def test_the_rich_table_has_the_headline_and_a_row_per_reason() -> None:
    report = classify(OLD, NEW)
    console = Console(record=True, width=200, color_system=None)

    table = report_table(report)
    console.print(table)
    text = console.export_text()

    assert table.row_count == len(report.reasons)
    assert "breaking (judged for readers and writers)" in text
    assert "field_removed" in text
    assert "/properties/gtin" in text
