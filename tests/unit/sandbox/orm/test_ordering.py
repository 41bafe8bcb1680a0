"""``order``, ``limit`` and ``offset`` behave like Odoo's search on PostgreSQL."""

from __future__ import annotations

import pytest

from healthbridge.sandbox.odoo.exceptions import InvalidValue

from .conftest import Client


def test_partners_default_to_complete_name_ascending_then_id_descending(reader: Client) -> None:
    rows = reader.call("res.partner", "search_read", [], fields=["complete_name"])
    keys = [(row["complete_name"], -row["id"]) for row in rows]
    assert keys == sorted(keys)
    assert len(rows) > 80


def test_most_models_default_to_id_order(reader: Client) -> None:
    ids = reader.call("stock.quant", "search", [])
    assert ids == sorted(ids)


def test_an_order_string_sorts_by_each_term_in_turn(reader: Client) -> None:
    rows = reader.call(
        "product.product",
        "search_read",
        [],
        fields=["categ_id", "list_price"],
        order="list_price desc, id asc",
    )
    keys = [(-row["list_price"], row["id"]) for row in rows]
    assert keys == sorted(keys)


def test_write_date_order_supports_watermark_polling(reader: Client) -> None:
    rows = reader.call(
        "res.partner", "search_read", [], fields=["write_date"], order="write_date asc, id desc"
    )
    keys = [row["write_date"] for row in rows]
    assert keys == sorted(keys)


def test_many2one_sorts_by_the_related_models_own_order(reader: Client) -> None:
    rows = reader.call(
        "res.partner",
        "search_read",
        [["country_id", "!=", False]],
        fields=["country_id"],
        order="country_id",
    )
    names = [row["country_id"][1] for row in rows]
    assert names == sorted(names)


def test_empty_values_sort_last_ascending_and_first_descending(reader: Client) -> None:
    ascending = reader.call(
        "res.partner", "search_read", [], fields=["function"], order="function asc"
    )
    descending = reader.call(
        "res.partner", "search_read", [], fields=["function"], order="function desc"
    )
    assert ascending[-1]["function"] is False
    assert ascending[0]["function"] is not False
    assert descending[0]["function"] is False
    first_nulls = reader.call(
        "res.partner", "search_read", [], fields=["function"], order="function asc nulls first"
    )
    assert first_nulls[0]["function"] is False


def test_limit_and_offset_page_through_the_ordered_result(reader: Client) -> None:
    everything = reader.call("res.partner", "search", [], order="id")
    assert reader.call("res.partner", "search", [], limit=5, order="id") == everything[:5]
    assert (
        reader.call("res.partner", "search", [], offset=5, limit=5, order="id") == everything[5:10]
    )
    assert (
        reader.call("res.partner", "search", [], offset=len(everything) - 2, order="id")
        == everything[-2:]
    )


@pytest.mark.parametrize("no_limit", [None, 0, False])
def test_an_empty_limit_means_no_limit(reader: Client, no_limit: object) -> None:
    assert len(reader.call("res.partner", "search", [], limit=no_limit)) == reader.call(
        "res.partner", "search_count", []
    )


def test_search_count_honours_its_limit(reader: Client) -> None:
    assert reader.call("res.partner", "search_count", [], limit=3) == 3


def test_archived_rows_are_left_out_unless_active_test_is_off(reader: Client) -> None:
    shown = reader.call("res.partner", "search_count", [])
    everything = reader.call("res.partner", "search_count", [], context={"active_test": False})
    archived = reader.call(
        "res.partner", "search_read", [["active", "=", False]], fields=["active"]
    )
    assert everything - shown == len(archived) > 0
    assert reader.call("res.partner", "read", [archived[0]["id"]], ["active"]) == [
        {"id": archived[0]["id"], "active": False}
    ]


def test_name_search_hides_archived_rows_and_returns_pairs(reader: Client) -> None:
    archived = reader.call("res.partner", "search_read", [["active", "=", False]], fields=["name"])[
        0
    ]
    assert reader.call("res.partner", "name_search", archived["name"]) == []
    found = reader.call("res.partner", "name_search", "Meridian", limit=1)
    assert found == [[found[0][0], "Meridian Health Insurance"]]


@pytest.mark.parametrize("order", ["nope desc", "name; drop table", "name sideways", "name,"])
def test_a_bad_order_is_a_value_error(reader: Client, order: str) -> None:
    with pytest.raises(InvalidValue):
        reader.call("res.partner", "search", [], order=order)
