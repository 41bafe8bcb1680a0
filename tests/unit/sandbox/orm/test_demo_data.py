"""The healthcare demo data: what a demo and the hub's tests can count on finding."""

from __future__ import annotations

from datetime import timedelta

from healthbridge.sandbox.odoo.orm import Database

from .conftest import START, Client, FrozenClock


def gs1_check_digit_is_valid(code: str) -> bool:
    digits = [int(c) for c in code]
    weighted = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - weighted % 10) % 10 == digits[-1]


def test_there_are_sixty_or_more_clinical_supplies_with_valid_gtins(reader: Client) -> None:
    products = reader.call(
        "product.product",
        "search_read",
        [],
        fields=["barcode", "type", "default_code", "list_price"],
    )
    goods = [p for p in products if p["type"] == "consu"]
    assert len(goods) >= 60
    for product in goods:
        assert product["barcode"].isdigit(), product
        assert len(product["barcode"]) in (13, 14), product
        assert gs1_check_digit_is_valid(product["barcode"]), product
        assert product["default_code"], product
        assert product["list_price"] > 0, product
    assert len({p["barcode"] for p in goods}) == len(goods)
    assert any(p["type"] == "service" and p["barcode"] is False for p in products)


def test_lot_tracked_supplies_have_lots_some_expired_some_expiring_soon(reader: Client) -> None:
    tracked = reader.call("product.product", "search_count", [["tracking", "=", "lot"]])
    lots = reader.call("stock.lot", "search_read", [], fields=["expiration_date", "product_id"])
    assert tracked >= 10
    assert {lot["product_id"][0] for lot in lots} == set(
        reader.call("product.product", "search", [["tracking", "=", "lot"]])
    )
    now = (START.replace(tzinfo=None)).strftime("%Y-%m-%d %H:%M:%S")
    soon = (START.replace(tzinfo=None) + timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    expiries = [lot["expiration_date"] for lot in lots]
    assert all(expiries)
    assert any(e < now for e in expiries)
    assert any(now <= e <= soon for e in expiries)
    assert any(e > soon for e in expiries)


def test_facilities_have_warehouses_with_wards_and_stock(reader: Client) -> None:
    facilities = reader.call("res.partner", "search", [["category_id.name", "=", "Facility"]])
    warehouses = reader.call(
        "stock.warehouse",
        "search_read",
        [["partner_id", "in", facilities]],
        fields=["code", "lot_stock_id"],
    )
    assert len(facilities) >= 5
    assert len(warehouses) == len(facilities)
    wards = reader.call(
        "stock.location",
        "search_read",
        [["usage", "=", "internal"], ["location_id.name", "=", "Stock"]],
        fields=["complete_name"],
    )
    assert {"BRU/Stock/Pharmacy", "BRU/Stock/Ward ICU", "GNT/Stock/Neonatal ICU"} <= {
        w["complete_name"] for w in wards
    }
    assert (
        reader.call(
            "stock.quant",
            "search_count",
            [["location_id", "in", [w["id"] for w in wards]], ["quantity", ">", 0]],
        )
        > 20
    )


def test_partners_cover_every_role_of_a_healthcare_ecosystem(reader: Client) -> None:
    def tagged(tag: str) -> int:
        return int(reader.call("res.partner", "search_count", [["category_id.name", "=", tag]]))

    assert tagged("Payer") >= 3
    assert tagged("Supplier") >= 3
    assert tagged("Laboratory") >= 1
    assert tagged("Pharmacy") >= 1
    patients = reader.call(
        "res.partner",
        "search_read",
        [["category_id.name", "=", "Patient"]],
        fields=["is_company", "ref", "comment", "email"],
    )
    assert len(patients) >= 30
    assert not any(p["is_company"] for p in patients)
    assert all(p["ref"].startswith("PAT-") and p["comment"] is False for p in patients)
    assert (
        reader.call("res.company", "read", [1], ["name"])[0]["name"]
        == "Healthbridge Hospital Group"
    )


def test_documents_are_in_every_state_a_flow_needs(reader: Client) -> None:
    def count(model: str, domain: list[object]) -> int:
        return int(reader.call(model, "search_count", domain))

    assert count("purchase.order", [["state", "=", "draft"]]) >= 1
    assert count("purchase.order", [["state", "=", "purchase"]]) >= 1
    assert count("purchase.order", []) >= 10
    assert count("account.move", [["move_type", "=", "out_invoice"], ["state", "=", "posted"]]) >= 1
    assert count("account.move", [["move_type", "=", "out_invoice"], ["state", "=", "draft"]]) >= 1
    assert count("account.move", [["move_type", "=", "in_invoice"], ["state", "=", "posted"]]) >= 1
    assert count("account.move", [["payment_state", "=", "paid"]]) >= 1
    assert count("account.move", [["payment_state", "=", "partial"]]) >= 1
    assert count("account.payment", []) >= 3
    assert count("stock.picking", [["state", "=", "done"]]) >= 1
    assert count("hr.employee", [["department_id.name", "=", "Nursing"]]) >= 1
    assert count("hr.employee", [["department_id.name", "=", "Supply Chain"]]) >= 1


def test_the_model_catalogue_lists_every_model_and_field(reader: Client) -> None:
    models = reader.call("ir.model", "search_read", [], fields=["model"])
    assert {"res.partner", "product.product", "base.automation", "ir.actions.server"} <= {
        m["model"] for m in models
    }
    email = reader.call(
        "ir.model.fields",
        "search_read",
        [["model", "=", "res.partner"], ["name", "=", "email"]],
        fields=["ttype", "model_id"],
    )
    assert email[0]["ttype"] == "char"
    assert email[0]["model_id"][1] == "Contact"


def test_the_demo_is_deterministic_for_a_seed_and_differs_across_seeds() -> None:
    def snapshot(seed: int) -> list[tuple[object, ...]]:
        db = Database(seed=seed, clock=FrozenClock())
        rows = db.records("res.partner") + db.records("stock.quant") + db.records("stock.lot")
        return [tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows]

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)


def test_demo_history_is_spread_over_past_months(reader: Client) -> None:
    stamps = [
        r["write_date"]
        for r in reader.call("res.partner", "search_read", [], fields=["write_date"])
    ]
    assert len(set(stamps)) > 50
    assert max(stamps) <= START.strftime("%Y-%m-%d %H:%M:%S")
