"""Search domains behave like Odoo's SQL: prefix operators, NULL rules, paths, hierarchies."""

from __future__ import annotations

import pytest

from healthbridge.sandbox.odoo.exceptions import InvalidDomain, InvalidField
from healthbridge.sandbox.odoo.orm import Database

from .conftest import Client


@pytest.fixture
def people(empty_db: Database) -> tuple[Client, dict[str, int]]:
    client = Client(empty_db)
    tags = {
        name: client.call("res.partner.category", "create", {"name": name})
        for name in ("Payer", "Patient")
    }
    acme = client.call(
        "res.partner",
        "create",
        {"name": "Acme Care", "is_company": True, "city": "Gent", "country_id": 20},
    )
    ids = {
        "acme": acme,
        "ann": client.call(
            "res.partner",
            "create",
            {
                "name": "Ann Peeters",
                "parent_id": acme,
                "email": "ann@acme.example",
                "customer_rank": 3,
            },
        ),
        "bob": client.call(
            "res.partner",
            "create",
            {
                "name": "Bob_Maes",
                "email": False,
                "category_id": [(6, 0, [tags["Patient"]])],
                "customer_rank": 0,
            },
        ),
        "cleo": client.call(
            "res.partner",
            "create",
            {
                "name": "cleo 100%",
                "city": "Leuven",
                "category_id": [(6, 0, list(tags.values()))],
                "supplier_rank": 2,
            },
        ),
        "gone": client.call("res.partner", "create", {"name": "Archived Ann", "active": False}),
    }
    ids.update({f"tag_{name}": tag for name, tag in tags.items()})
    return client, ids


def names(client: Client, domain: list[object], **kwargs: object) -> set[str]:
    rows = client.call("res.partner", "search_read", domain, fields=["name"], **kwargs)
    return {row["name"] for row in rows} - {
        "My Company",
        "OdooBot",
        "Administrator",
        "Marc Demo",
        "Hub Integration",
        "Stock Reader",
    }


def test_leaves_side_by_side_are_joined_by_an_implicit_and(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["email", "!=", False], ["customer_rank", ">", 1]]) == {"Ann Peeters"}


def test_or_and_not_take_their_operands_in_prefix_order(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, ["|", ["city", "=", "Gent"], ["city", "=", "Leuven"]]) >= {
        "Acme Care",
        "cleo 100%",
    }
    assert names(client, ["!", ["is_company", "=", True]]) == {
        "Ann Peeters",
        "Bob_Maes",
        "cleo 100%",
    }
    assert names(
        client,
        ["&", "!", ["name", "ilike", "ann"], "|", ["city", "=", "Gent"], ["supplier_rank", ">", 1]],
    ) == {
        "Acme Care",
        "cleo 100%",
    }


def test_leaves_may_be_tuples_and_true_false_leaves_are_accepted(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [("name", "=", "Bob_Maes")]) == {"Bob_Maes"}
    assert names(client, [(1, "=", 1), ("name", "=", "Bob_Maes")]) == {"Bob_Maes"}
    assert names(client, [(0, "=", 1)]) == set()
    assert names(client, ["|", [0], ["name", "=", "Bob_Maes"]]) == {"Bob_Maes"}


def test_equal_false_means_empty_and_not_equal_false_means_set(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["email", "=", False], ["is_company", "=", False]]) == {
        "Bob_Maes",
        "cleo 100%",
    }
    assert "Ann Peeters" in names(client, [["email", "!=", False]])
    assert names(client, [["parent_id", "!=", False]]) == {"Ann Peeters"}


def test_negative_operators_also_match_empty_values_like_sql_with_is_null(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert {"Bob_Maes", "cleo 100%"} <= names(client, [["email", "!=", "ann@acme.example"]])
    assert {"Bob_Maes", "cleo 100%"} <= names(client, [["email", "not ilike", "acme"]])
    assert {"Bob_Maes"} <= names(client, [["city", "not in", ["Gent", "Leuven"]]])
    assert "Bob_Maes" not in names(client, [["city", "not in", ["Gent", False]]])


def test_comparisons_never_match_an_empty_value(people: tuple[Client, dict[str, int]]) -> None:
    client, _ = people
    # Ann inherited her company's address when she was created as its contact.
    assert names(client, [["city", ">", "A"]]) == {"Acme Care", "Ann Peeters", "cleo 100%"}
    assert names(client, [["city", "<", False]]) == set()


def test_like_patterns_use_sql_wildcards_and_ilike_ignores_case(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["name", "like", "Ann"]]) == {"Ann Peeters"}
    assert names(client, [["name", "ilike", "ANN"]]) == {"Ann Peeters"}
    assert names(client, [["name", "=like", "B_b%"]]) == {"Bob_Maes"}
    assert names(client, [["name", "=ilike", "CLEO%"]]) == {"cleo 100%"}
    # like wraps the value in %...%: its own % and _ stay wildcards, as in Odoo.
    assert names(client, [["name", "like", "b_M"]]) == {"Bob_Maes"}
    assert names(client, [["name", "ilike", "100%"]]) == {"cleo 100%"}


def test_in_accepts_false_for_empty_values(people: tuple[Client, dict[str, int]]) -> None:
    client, _ = people
    assert names(client, [["city", "in", ["Leuven", False]], ["is_company", "=", False]]) == {
        "Bob_Maes",
        "cleo 100%",
    }


def test_a_dotted_path_follows_a_many2one(people: tuple[Client, dict[str, int]]) -> None:
    client, _ = people
    assert names(client, [["parent_id.city", "=", "Gent"]]) == {"Ann Peeters"}
    assert names(client, [["country_id.code", "=", "BE"]]) == {"Acme Care", "Ann Peeters"}
    assert names(client, [["parent_id.country_id.name", "ilike", "belg"]]) == {"Ann Peeters"}


def test_a_dotted_path_through_an_x2many_means_any_related_record(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["category_id.name", "=", "Payer"]]) == {"cleo 100%"}
    assert names(client, [["child_ids.email", "ilike", "acme"]]) == {"Acme Care"}
    assert names(client, [["category_id", "any", [["name", "=", "Patient"]]]]) == {
        "Bob_Maes",
        "cleo 100%",
    }
    assert "Bob_Maes" not in names(client, [["category_id", "not any", [["name", "=", "Patient"]]]])


def test_x2many_equality_tests_membership_and_false_tests_emptiness(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, ids = people
    assert names(client, [["category_id", "=", ids["tag_Payer"]]]) == {"cleo 100%"}
    assert names(client, [["category_id", "in", [ids["tag_Patient"]]]]) == {"Bob_Maes", "cleo 100%"}
    assert names(client, [["category_id", "!=", False]]) == {"Bob_Maes", "cleo 100%"}
    assert names(
        client, [["category_id", "not in", [ids["tag_Payer"]]], ["category_id", "!=", False]]
    ) == {"Bob_Maes"}


def test_a_many2one_compared_with_text_matches_by_name(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["parent_id", "ilike", "acme"]]) == {"Ann Peeters"}
    assert names(client, [["country_id", "=", "Belgium"]]) == {"Acme Care", "Ann Peeters"}


def test_child_of_and_parent_of_follow_the_parent_field(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, ids = people
    assert names(client, [["id", "child_of", ids["acme"]]]) == {"Acme Care", "Ann Peeters"}
    assert names(client, [["id", "parent_of", [ids["ann"]]]]) == {"Acme Care", "Ann Peeters"}
    assert names(client, [["parent_id", "child_of", ids["acme"]]]) == {"Acme Care", "Ann Peeters"}


def test_child_of_on_a_relation_to_another_model_uses_that_models_tree(reader: Client) -> None:
    medical = reader.call("product.category", "search", [["name", "=", "Medical Supplies"]])
    below = reader.call("product.product", "search_count", [["categ_id", "child_of", medical]])
    services = reader.call("product.product", "search_count", [["categ_id.name", "=", "Services"]])
    pharma = reader.call(
        "product.product", "search_count", [["categ_id", "child_of", "Pharmaceuticals"]]
    )
    everything = reader.call("product.product", "search_count", [])
    assert below > 0
    assert services > 0
    assert below + services + pharma == everything


def test_conditional_equality_drops_the_leaf_when_the_value_is_empty(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert names(client, [["city", "=?", False], ["name", "=", "Bob_Maes"]]) == {"Bob_Maes"}
    assert names(client, [["city", "=?", "Gent"]]) == {"Acme Care", "Ann Peeters"}


def test_archived_records_are_hidden_unless_the_domain_or_context_asks(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    assert "Archived Ann" not in names(client, [["name", "ilike", "ann"]])
    assert "Archived Ann" in names(
        client, [["name", "ilike", "ann"], ["active", "in", [True, False]]]
    )
    assert "Archived Ann" in names(
        client, [["name", "ilike", "ann"]], context={"active_test": False}
    )
    assert names(client, [["active", "=", False]]) == {"Archived Ann"}


def test_an_unknown_field_is_reported_with_odoos_text(
    people: tuple[Client, dict[str, int]],
) -> None:
    client, _ = people
    with pytest.raises(InvalidField) as caught:
        client.call("res.partner", "search", [["nope_field", "=", 1]])
    assert (
        caught.value.message
        == "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)"
    )
    assert caught.value.wire("jsonrpc").name == "builtins.ValueError"
    with pytest.raises(InvalidField) as caught:
        client.call("res.partner", "search", [["parent_id.nope", "=", True]])
    assert caught.value.message == "Invalid field res.partner.nope in condition ('nope', '=', True)"


@pytest.mark.parametrize(
    "domain",
    [
        "name = x",
        [["name", "="]],
        [["name", "regex", "x"]],
        ["&", ["name", "=", "x"]],
        ["|"],
        ["!"],
        [[1, "=", "x"]],
        ["name"],
    ],
)
def test_a_malformed_domain_is_a_value_error(
    people: tuple[Client, dict[str, int]], domain: object
) -> None:
    client, _ = people
    with pytest.raises(InvalidDomain) as caught:
        client.call("res.partner", "search", domain)
    assert caught.value.wire("json2").name == "builtins.ValueError"
    assert caught.value.wire("json2").http_status == 500
