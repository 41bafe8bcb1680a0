"""SARIF output has the shape CI systems read: version, tool, rules, results, locations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from healthbridge.governance.policy import DEFAULT_RULES, RULE_FAILED, Finding, to_sarif

# The part of the SARIF 2.1.0 schema that code-scanning tools rely on.
SARIF_SHAPE: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {"type": "object", "required": ["id"]},
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "level", "message", "locations"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_results_carry_rule_level_message_file_and_line(tmp_path: Path) -> None:
    findings = [
        Finding(
            "HB010",
            "error",
            "phi not encrypted",
            str(tmp_path / "c" / "payers.yaml"),
            12,
            "Integration",
            "payer-claims",
            fix="encrypt",
        ),
        Finding(RULE_FAILED, "error", "rule X001 does not compile", "policies.yaml", 7),
        Finding("HB040", "warning", "no justification", "supply.yaml", 3, "Integration", "w"),
    ]
    log = to_sarif(findings, DEFAULT_RULES, base=tmp_path)
    Draft202012Validator(SARIF_SHAPE).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first, broken, warning = run["results"]
    assert first["ruleId"] == "HB010"
    assert rules[first["ruleIndex"]]["id"] == "HB010"
    assert first["level"] == "error"
    assert first["message"]["text"].startswith("Integration/payer-claims: phi not encrypted")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "c/payers.yaml"
    assert location["region"]["startLine"] == 12
    assert rules[broken["ruleIndex"]]["id"] == RULE_FAILED
    assert warning["level"] == "warning"


def test_a_clean_run_is_still_a_valid_log_listing_every_rule() -> None:
    log = to_sarif([], DEFAULT_RULES)
    Draft202012Validator(SARIF_SHAPE).validate(log)
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(DEFAULT_RULES)
    assert log["runs"][0]["results"] == []
