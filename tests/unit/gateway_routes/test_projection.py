"""Minimum-necessary projection: phi needs phi.read, and what is withheld is said, not hidden."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel

from healthbridge.canonical.classification import OPERATIONAL, PHI, PUBLIC
from healthbridge.gateway.routes import accounts, inventory, invoices, orders, partners
from healthbridge.gateway.routes.accounts import AccountStatusResponse
from healthbridge.gateway.routes.projection import ProjectedResponse, field_classes, projected
from healthbridge.security.principal import Principal
from healthbridge.security.projection import ALL_CLASSES, PHI_SCOPE, project, visible_classes

CLASSES = {
    "id": "operational",
    "name": "phi",
    "contact": "operational",
    "contact.email": "pii",
    "contact.diagnosis": "phi",
    "visits": "operational",
    "visits.ward": "operational",
    "visits.note": "phi",
}
DOCUMENT = {
    "id": 7,
    "name": "Ann Example",
    "contact": {"email": "ann@example.org", "diagnosis": "J45"},
    "visits": [{"ward": "A", "note": "asthma"}, {"ward": "B", "note": None}],
    "unclassified": "kept",
}
WITHOUT_PHI = visible_classes({"accounts.read"})


def test_phi_is_visible_only_with_the_phi_read_scope():
    assert visible_classes({"accounts.read", PHI_SCOPE}) == ALL_CLASSES
    assert ALL_CLASSES - {"phi"} == WITHOUT_PHI
    assert visible_classes(()) == ALL_CLASSES - {"phi"}


def test_without_phi_read_phi_fields_are_dropped_at_every_depth_and_listed_once():
    result = project(DOCUMENT, CLASSES, WITHOUT_PHI)

    assert result.document == {
        "id": 7,
        "contact": {"email": "ann@example.org"},
        "visits": [{"ward": "A"}, {"ward": "B"}],
        "unclassified": "kept",
    }
    assert result.withheld == ("name", "contact.diagnosis", "visits.note")


def test_with_phi_read_the_document_is_kept_whole_and_nothing_is_withheld():
    result = project(DOCUMENT, CLASSES, visible_classes({PHI_SCOPE}))

    assert result.document == DOCUMENT
    assert result.withheld == ()


def test_an_empty_phi_field_is_dropped_but_not_reported_as_withheld():
    for empty in (None, [], {}):
        result = project({"id": 1, "name": empty}, CLASSES, WITHOUT_PHI)

        assert result.document == {"id": 1}
        assert result.withheld == ()


def test_a_withheld_list_item_path_is_reported_only_when_some_item_held_a_value():
    quiet = {"visits": [{"ward": "A", "note": None}, {"ward": "B"}]}

    result = project(quiet, CLASSES, WITHOUT_PHI)

    assert result.withheld == ()
    assert result.document == {"visits": [{"ward": "A"}, {"ward": "B"}]}


def test_a_withheld_parent_takes_its_children_with_it_and_only_the_parent_is_listed():
    classes = {"contact": "phi", "contact.email": "pii"}

    result = project({"contact": {"email": "a@b.c"}, "id": 1}, classes, WITHOUT_PHI)

    assert result.document == {"id": 1}
    assert result.withheld == ("contact",)


def test_projection_does_not_change_the_document_it_is_given():
    before = repr(DOCUMENT)

    project(DOCUMENT, CLASSES, WITHOUT_PHI)

    assert repr(DOCUMENT) == before


def test_a_caller_that_may_see_nothing_gets_only_unclassified_fields():
    result = project(DOCUMENT, CLASSES, frozenset())

    assert result.document == {"unclassified": "kept"}
    assert result.withheld == ("id", "name", "contact", "visits")


class Visit(BaseModel):
    ward: Annotated[str, OPERATIONAL]
    note: Annotated[str | None, PHI] = None


class PatientCard(ProjectedResponse):
    id: Annotated[int, OPERATIONAL]
    name: Annotated[str | None, PHI] = None
    visits: Annotated[list[Visit], OPERATIONAL]


def _principal(*scopes: str) -> Principal:
    return Principal("portal", "client", frozenset(scopes), "test")


def test_a_response_models_field_classes_are_its_leaves_through_nested_models_and_lists():
    assert field_classes(PatientCard) == {
        "withheld": "public",
        "id": "operational",
        "name": "phi",
        "visits.ward": "operational",
        "visits.note": "phi",
    }


def test_a_projected_response_lists_its_withheld_paths_without_phi_read():
    document = {"id": 3, "name": "Ann", "visits": [{"ward": "A", "note": "x"}]}

    card = projected(PatientCard, document, _principal("accounts.read"))

    assert card.name is None
    assert card.visits[0].note is None
    assert card.withheld == ["name", "visits.note"]
    assert "name" not in card.model_dump(exclude_unset=True)


def test_a_projected_response_is_whole_with_phi_read():
    document = {"id": 3, "name": "Ann", "visits": [{"ward": "A", "note": "x"}]}

    card = projected(PatientCard, document, _principal("accounts.read", PHI_SCOPE))

    assert (card.name, card.visits[0].note, card.withheld) == ("Ann", "x", [])


def test_the_account_status_withholds_the_account_name_without_phi_read():
    document = {
        "partner_id": 9,
        "kind": "patient",
        "name": "Ann Example",
        "balances": [],
        "credit_hold": False,
        "days_overdue": 0,
        "credit_hold_after_days": 30,
        "as_of": datetime(2026, 11, 24, tzinfo=UTC),
    }

    hidden = projected(AccountStatusResponse, document, _principal("accounts.read"))
    shown = projected(AccountStatusResponse, document, _principal("accounts.read", PHI_SCOPE))

    assert (hidden.name, hidden.withheld) == (None, ["name"])
    assert (shown.name, shown.withheld) == ("Ann Example", [])


def test_every_field_of_every_business_response_model_is_classified():
    models = [
        value
        for module in (accounts, inventory, invoices, orders, partners)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, ProjectedResponse)
        and value is not ProjectedResponse
    ]
    assert models
    for model in models:
        classes = field_classes(model)
        for name in model.model_fields:
            leaves = [path for path in classes if path == name or path.startswith(f"{name}.")]
            assert leaves, f"{model.__name__}.{name} has no data class"
        assert set(classes.values()) <= ALL_CLASSES
    assert PUBLIC.data_class.value == "public"
