"""Pure pieces of the workflows area: settings, inputs, comparison, masking, supplier state."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.sandbox.supplier import SupplierFault, SupplierState
from healthbridge.services.reconciliation import MirroredRecord, compare, record_hash
from healthbridge.workflows.operations import MASKED, masked
from healthbridge.workflows.replenishment import StockLow


def _request(**overrides: object) -> StockLow:
    values: dict[str, object] = {
        "event_id": "evt-9",
        "product_id": 26,
        "sku": "CTH-FOL-12",
        "location_id": 12,
        "quantity_on_hand": 3,
        "reorder_point": 20,
        "reorder_quantity": 40,
    }
    values.update(overrides)
    return StockLow(**values)  # type: ignore[arg-type]


class TestSettings:
    def test_the_dbos_system_database_defaults_to_its_own_sqlite_file_under_data_dir(
        self,
    ) -> None:
        assert (
            WorkflowsSettings().system_database(Path("/var/hb")) == "sqlite:////var/hb/dbos.sqlite"
        )

    def test_a_configured_system_database_wins(self) -> None:
        settings = WorkflowsSettings(system_database_url="postgresql://hub@db/hub_dbos")
        assert settings.system_database(Path("x")) == "postgresql://hub@db/hub_dbos"

    def test_an_async_driver_url_is_refused_with_what_to_use(self) -> None:
        with pytest.raises(ValidationError, match="synchronous"):
            WorkflowsSettings(system_database_url="postgresql+asyncpg://hub@db/x")

    def test_the_application_version_is_pinned_by_default(self) -> None:
        assert WorkflowsSettings().application_version == "healthbridge-workflows-1"

    def test_the_supplier_is_notified_under_its_base_url_unless_told_otherwise(self) -> None:
        assert WorkflowsSettings(supplier_url="http://s:1/").notification_url() == (
            "http://s:1/notifications"
        )
        assert (
            WorkflowsSettings(supplier_notification_url="http://n/hook").notification_url()
            == "http://n/hook"
        )


class TestStockLow:
    def test_the_workflow_id_comes_from_the_business_key(self) -> None:
        assert _request().workflow_id == "replenishment-26-12-evt-9"
        assert _request().workflow_id == _request(quantity_on_hand=1).workflow_id
        assert _request().workflow_id != _request(event_id="evt-10").workflow_id

    def test_unknown_fields_and_non_positive_quantities_are_refused(self) -> None:
        with pytest.raises(ValidationError):
            _request(colour="red")
        with pytest.raises(ValidationError):
            _request(reorder_quantity=0)


class TestComparison:
    def test_the_record_hash_ignores_key_order(self) -> None:
        assert record_hash({"a": 1, "b": "x"}) == record_hash({"b": "x", "a": 1})
        assert record_hash({"a": 1}) != record_hash({"a": 2})

    def test_each_difference_is_classified_with_both_sides(self) -> None:
        same = {"name": "same"}
        source = {1: same, 2: {"name": "new"}, 4: {"name": "only in odoo"}}
        target = {
            1: MirroredRecord(1, record_hash(same), same),
            2: MirroredRecord(2, record_hash({"name": "old"}), {"name": "old"}),
            3: MirroredRecord(3, record_hash({"name": "gone"}), {"name": "gone"}),
        }
        matched, differences = compare(source, target)

        assert matched == 1
        assert [(d.record_id, d.kind) for d in differences] == [
            (2, "changed"),
            (3, "missing_in_source"),
            (4, "missing_in_target"),
        ]
        changed = differences[0]
        assert (changed.source_values, changed.target_values) == ({"name": "new"}, {"name": "old"})
        assert differences[1].source_hash is None
        assert differences[2].target_values is None


class TestMasking:
    def test_identifying_fields_are_masked_at_any_depth(self) -> None:
        value = {"patient": {"id": 4}, "lines": [{"email": "a@b.c", "qty": 2}], "name": "Jo"}
        assert masked(value) == {
            "patient": MASKED,
            "lines": [{"email": MASKED, "qty": 2}],
            "name": MASKED,
        }

    def test_a_stock_event_stays_readable(self) -> None:
        shown = masked(_request(product_name="Foley 12"))
        assert shown["sku"] == "CTH-FOL-12"
        assert shown["product_name"] == "Foley 12"


class TestSupplierState:
    def test_the_same_reference_gets_the_same_quote_and_one_reservation(self) -> None:
        state = SupplierState()
        first = state.quote("wf-1", "SKU", 10)
        assert state.quote("wf-1", "SKU", 10) == first
        assert state.reservations == {first["reservation_id"]: "held"}

    def test_releasing_and_notifying_are_idempotent(self) -> None:
        state = SupplierState()
        reservation = state.quote("wf-1", "SKU", 10)["reservation_id"]
        assert state.release(reservation)
        assert state.release(reservation)
        assert not state.release("R-unknown")
        assert state.notify("wf-1", {}) == state.notify("wf-1", {"other": 1})

    def test_a_counted_fault_is_used_up(self) -> None:
        state = SupplierState(faults=[SupplierFault("error", "quotes", count=1)])
        assert state.take_fault("notifications") is None
        assert state.take_fault("quotes") is not None
        assert state.take_fault("quotes") is None
