"""Contract documents: generated from a model, valid 2020-12, written, listed and read back."""

from __future__ import annotations

import json
import stat
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field

from healthbridge.canonical.changes import OdooChange
from healthbridge.canonical.events import CANONICAL_EVENTS
from healthbridge.governance import (
    SCHEMA_DIALECT,
    ContractChangedError,
    ContractFileError,
    ContractNameError,
    ContractSource,
    contract_data_classes,
    contract_document,
    contract_id,
    contract_sources,
    contract_status,
    find_contract,
    history_problems,
    list_contracts,
    load_contract,
    parse_contract_id,
    read_contract,
    write_contracts,
)


class Identifier(BaseModel):
    model_config = ConfigDict(frozen=True)

    system: str = Field(json_schema_extra={"x-data-class": "public"})
    value: str = Field(json_schema_extra={"x-data-class": "pii"})


class ChargeLine(BaseModel):
    code: str = Field(json_schema_extra={"x-data-class": "financial"})
    amount: Decimal = Field(json_schema_extra={"x-data-class": "financial"})


class Charge(BaseModel):
    """A charge as the hub publishes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    identifiers: tuple[Identifier, ...] = Field(json_schema_extra={"x-data-class": "pii"})
    state: Literal["draft", "posted"] = Field(json_schema_extra={"x-data-class": "operational"})
    lines: list[ChargeLine] = Field(json_schema_extra={"x-data-class": "financial"})
    payer: Identifier | None = Field(default=None, json_schema_extra={"x-data-class": "pii"})


class ChargeV2(Charge):
    currency: str = Field(json_schema_extra={"x-data-class": "financial"})


def source(model: type[BaseModel], version: str, name: str = "Charge") -> ContractSource:
    return ContractSource(name=name, version=version, model=model, kind="object")


def test_a_contract_names_itself_with_dialect_urn_title_and_version_first() -> None:
    document = contract_document(Charge, name="Charge", version="3")

    assert list(document)[:4] == ["$schema", "$id", "title", "version"]
    assert document["$schema"] == SCHEMA_DIALECT
    assert document["$id"] == "urn:healthbridge:contract:Charge:3"
    assert document["version"] == "3"
    assert document["description"] == "A charge as the hub publishes it."
    assert "$defs" in document


@pytest.mark.parametrize("model", [Charge, ChargeV2, OdooChange], ids=lambda model: model.__name__)
def test_a_generated_contract_is_a_valid_json_schema_2020_12(model: type[BaseModel]) -> None:
    document = contract_document(model, name=model.__name__, version="1")

    Draft202012Validator.check_schema(document)


def test_a_generated_contract_accepts_what_the_model_emits_and_refuses_what_it_refuses() -> None:
    document = contract_document(Charge, name="Charge", version="1")
    validator = Draft202012Validator(document)
    charge = Charge(
        identifiers=(Identifier(system="urn:oid:2.16.840.1.113883.4.1", value="000-00-0000"),),
        state="posted",
        lines=[ChargeLine(code="99213", amount=Decimal("125.00"))],
    )

    assert list(validator.iter_errors(charge.model_dump(mode="json"))) == []
    assert list(validator.iter_errors({**charge.model_dump(mode="json"), "state": "paid"}))
    assert list(validator.iter_errors({**charge.model_dump(mode="json"), "surprise": 1}))


def test_every_field_carries_its_data_class_through_refs_lists_and_optionals() -> None:
    document = contract_document(Charge, name="Charge", version="1")

    classes = dict(contract_data_classes(document))

    assert classes == {
        "/properties/identifiers": "pii",
        "/properties/identifiers/items/properties/system": "public",
        "/properties/identifiers/items/properties/value": "pii",
        "/properties/state": "operational",
        "/properties/lines": "financial",
        "/properties/lines/items/properties/code": "financial",
        "/properties/lines/items/properties/amount": "financial",
        "/properties/payer": "pii",
        "/properties/payer/properties/system": "public",
        "/properties/payer/properties/value": "pii",
    }


def test_contract_ids_are_parsed_back_and_malformed_ones_refused() -> None:
    assert parse_contract_id(contract_id("SupplyOrder", "1.2.0")) == ("SupplyOrder", "1.2.0")
    for bad in (
        "urn:other:Charge:1",
        "urn:healthbridge:contract:Charge",
        "urn:healthbridge:contract:../x:1",
    ):
        with pytest.raises(ContractNameError):
            parse_contract_id(bad)
    with pytest.raises(ContractNameError):
        contract_id("Charge", "v1")
    with pytest.raises(ContractNameError):
        contract_id("../Charge", "1")


def test_generate_write_list_and_read_back_round_trips(tmp_path: Path) -> None:
    written = write_contracts(
        tmp_path, sources=[source(Charge, "1"), source(OdooChange, "1", "OdooChange")]
    )

    assert written == [tmp_path / "Charge" / "1.json", tmp_path / "OdooChange" / "1.json"]
    listed = list_contracts(tmp_path)
    assert [(item.name, item.version, item.path) for item in listed] == [
        ("Charge", "1", tmp_path / "Charge" / "1.json"),
        ("OdooChange", "1", tmp_path / "OdooChange" / "1.json"),
    ]
    assert read_contract(listed[0].path) == contract_document(Charge, name="Charge", version="1")
    assert written[0].read_text(encoding="utf-8").endswith("}\n")
    assert not list(tmp_path.rglob("*.tmp"))
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o644


def test_writing_again_leaves_current_contracts_alone(tmp_path: Path) -> None:
    write_contracts(tmp_path, sources=[source(Charge, "1")])

    assert write_contracts(tmp_path, sources=[source(Charge, "1")]) == []
    assert [s.state for s in contract_status(tmp_path, [source(Charge, "1")])] == ["current"]


def test_a_model_change_without_a_version_bump_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    (path,) = write_contracts(tmp_path, sources=[source(Charge, "1")])
    before = path.read_bytes()

    with pytest.raises(ContractChangedError) as raised:
        write_contracts(tmp_path, sources=[source(ChargeV2, "1")])

    assert raised.value.code == "contract.changed_without_version_bump"
    assert raised.value.details == {"contracts": ["Charge:1"]}
    assert "the model changed: bump CONTRACT_VERSIONS['Charge']" in str(raised.value)
    assert path.read_bytes() == before
    (status,) = contract_status(tmp_path, [source(ChargeV2, "1")])
    assert status.state == "changed"


def test_a_bumped_version_is_written_beside_the_old_one(tmp_path: Path) -> None:
    write_contracts(tmp_path, sources=[source(Charge, "1")])

    written = write_contracts(tmp_path, sources=[source(ChargeV2, "2")])

    assert written == [tmp_path / "Charge" / "2.json"]
    assert find_contract(tmp_path, "Charge").version == "2"
    assert find_contract(tmp_path, "Charge", "1").path == tmp_path / "Charge" / "1.json"
    assert history_problems(tmp_path) == ()


def test_a_breaking_change_published_as_a_minor_version_is_a_history_problem(
    tmp_path: Path,
) -> None:
    write_contracts(tmp_path, sources=[source(Charge, "1.0")])
    write_contracts(tmp_path, sources=[source(ChargeV2, "1.1")])

    (problem,) = history_problems(tmp_path)

    assert "Charge 1.0 -> 1.1 is breaking" in problem
    assert "required_added at /properties/currency" in problem
    assert "needs a major version step" in problem


def test_a_file_kept_under_the_wrong_name_is_a_history_problem(tmp_path: Path) -> None:
    write_contracts(tmp_path, sources=[source(Charge, "1")])
    (tmp_path / "Charge" / "1.json").rename(tmp_path / "Charge" / "7.json")

    (problem,) = history_problems(tmp_path)

    assert "must say Charge 7" in problem


def test_the_registry_ignores_files_that_are_not_contract_versions(tmp_path: Path) -> None:
    write_contracts(tmp_path, sources=[source(Charge, "1")])
    (tmp_path / "README.md").write_text("rules", encoding="utf-8")
    (tmp_path / "Charge" / "notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".cache").mkdir()

    assert [item.version for item in list_contracts(tmp_path)] == ["1"]
    assert list_contracts(tmp_path / "absent") == ()


def test_reading_something_that_is_not_a_contract_fails_with_a_stable_code(tmp_path: Path) -> None:
    not_json = tmp_path / "a.json"
    not_json.write_text("{", encoding="utf-8")
    no_id = tmp_path / "b.json"
    no_id.write_text(json.dumps({"type": "object"}), encoding="utf-8")

    for path in (not_json, no_id, tmp_path / "absent.json"):
        with pytest.raises(ContractFileError) as raised:
            read_contract(path)
        assert raised.value.code == "contract.unreadable"
    with pytest.raises(ContractFileError):
        find_contract(tmp_path, "Charge")


def test_the_odoo_change_and_every_business_event_are_published_as_event_contracts() -> None:
    events = [s for s in contract_sources() if s.kind == "event"]

    assert [(s.name, s.model) for s in events] == sorted(
        [("OdooChange", OdooChange), *CANONICAL_EVENTS.items()]
    )


def test_a_command_line_argument_names_a_file_a_committed_version_or_the_model_now(
    tmp_path: Path,
) -> None:
    write_contracts(tmp_path, sources=[source(OdooChange, "1.0.0", "OdooChange")])
    committed = tmp_path / "OdooChange" / "1.0.0.json"
    generated = contract_document(OdooChange, name="OdooChange", version="1.0.0")

    assert load_contract(str(committed), tmp_path) == generated
    assert load_contract("OdooChange@1.0.0", tmp_path) == generated
    assert load_contract("OdooChange@latest", tmp_path) == generated
    assert load_contract("OdooChange", tmp_path)["$id"].startswith(
        "urn:healthbridge:contract:OdooChange:"
    )
    for unknown in ("Nothing", "OdooChange@9.9.9", str(tmp_path / "absent.json")):
        with pytest.raises(ContractFileError):
            load_contract(unknown, tmp_path)
