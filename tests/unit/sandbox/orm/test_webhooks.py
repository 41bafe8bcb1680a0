"""Automation-rule webhooks: Odoo 19's counts, order and exact body bytes (wire facts section 4)."""

from __future__ import annotations

import json

import pytest

from healthbridge.sandbox.odoo.exceptions import ValidationError
from healthbridge.sandbox.odoo.orm import CallResult, Database

from .conftest import HUB, Client

URL = "http://127.0.0.1:8765/hooks/odoo/partners?token=s3cret"
FIELDS = ["name", "email", "country_id", "write_date"]


class Automation:
    """Sets up rules the way the hub does: as the integration user, over the API."""

    def __init__(self, db: Database) -> None:
        self.hub = Client(db, HUB)
        self.admin = Client(db)

    def field_ids(self, model: str, names: list[str]) -> list[int]:
        rows = self.hub.call(
            "ir.model.fields",
            "search_read",
            [["model", "=", model], ["name", "in", names]],
            fields=["name"],
        )
        return [row["id"] for row in rows]

    def rule(
        self,
        *,
        model: str = "res.partner",
        trigger: str = "on_create_or_write",
        triggers: list[str] | None = None,
        fields: list[str] | None = None,
        name: str = "Notify hub",
        url: str = URL,
        **extra: object,
    ) -> tuple[int, int]:
        model_id = self.hub.call("ir.model", "search", [["model", "=", model]])[0]
        action = self.hub.call(
            "ir.actions.server",
            "create",
            {
                "name": name,
                "model_id": model_id,
                "state": "webhook",
                "webhook_url": url,
                "webhook_field_ids": [
                    (6, 0, self.field_ids(model, FIELDS if fields is None else fields))
                ],
            },
        )
        vals: dict[str, object] = {
            "name": name,
            "model_id": model_id,
            "trigger": trigger,
            "action_server_ids": [(6, 0, [action])],
            **extra,
        }
        if triggers:
            vals["trigger_field_ids"] = [(6, 0, self.field_ids(model, triggers))]
        return action, self.hub.call("base.automation", "create", vals)

    def partner(self, **vals: object) -> int:
        return int(self.admin.call("res.partner", "create", {"name": "Probe", **vals}))

    def company_with_contacts(self) -> tuple[int, list[int]]:
        company = self.partner(name="Probe Co", is_company=True)
        contacts = self.admin.call(
            "res.partner",
            "create",
            [{"name": f"Contact {i}", "parent_id": company} for i in range(3)],
        )
        return company, contacts

    def write(self, ids: list[int], vals: dict[str, object]) -> CallResult:
        return self.admin.result("res.partner", "write", ids, vals)


@pytest.fixture
def automation(db: Database) -> Automation:
    return Automation(db)


def posted_ids(result: CallResult) -> list[int]:
    return [json.loads(post.body)["_id"] for post in result.webhooks]


# ---- the counts table, rule without trigger fields ---------------------------------------------


def test_without_trigger_fields_a_write_on_a_contact_sends_two_identical_posts(
    automation: Automation,
) -> None:
    partner = automation.partner()
    automation.rule()
    for vals in ({"email": "b@example.com"}, {"phone": "+32 2 555 00 00"}):
        result = automation.write([partner], vals)
        assert len(result.webhooks) == 2
        assert result.webhooks[0] == result.webhooks[1]


def test_without_trigger_fields_a_create_sends_thirteen_identical_posts(
    automation: Automation,
) -> None:
    automation.rule()
    result = automation.admin.result("res.partner", "create", {"name": "Webhook Count Probe B"})
    assert len(result.webhooks) == 13
    assert len(set(result.webhooks)) == 1


def test_a_write_on_a_company_sends_the_company_twice_and_each_contact_once(
    automation: Automation,
) -> None:
    company, contacts = automation.company_with_contacts()
    automation.rule()
    result = automation.write([company], {"phone": "+32 9 555 00 00"})
    assert sorted(posted_ids(result)) == sorted([company, company, *contacts])
    assert posted_ids(result) == [company, *contacts, company]


def test_writing_only_the_comment_of_a_company_sends_it_once_plus_each_contact(
    automation: Automation,
) -> None:
    company, contacts = automation.company_with_contacts()
    automation.rule()
    result = automation.write([company], {"comment": "<p>note</p>"})
    assert sorted(posted_ids(result)) == sorted([company, *contacts])


# ---- the counts table, rule with trigger fields name and email -------------------------------


def test_with_trigger_fields_only_a_real_change_of_one_of_them_fires(
    automation: Automation,
) -> None:
    partner = automation.partner(email="a@example.com")
    automation.rule(triggers=["name", "email"])
    assert len(automation.write([partner], {"email": "b@example.com"}).webhooks) == 1
    assert len(automation.write([partner], {"phone": "+32 2 555 00 01"}).webhooks) == 0
    assert len(automation.write([partner], {"email": "b@example.com"}).webhooks) == 0


def test_with_trigger_fields_a_create_sends_one_post_per_record(automation: Automation) -> None:
    automation.rule(triggers=["name", "email"])
    assert len(automation.admin.result("res.partner", "create", {"name": "One"}).webhooks) == 1
    result = automation.admin.result(
        "res.partner", "create", [{"name": "A"}, {"name": "B"}, {"name": "C"}]
    )
    assert len(result.webhooks) == 3
    assert len(set(posted_ids(result))) == 3


def test_with_trigger_fields_a_write_on_three_partners_sends_three_posts(
    automation: Automation,
) -> None:
    partners = [automation.partner(name=f"P{i}") for i in range(3)]
    automation.rule(triggers=["name", "email"])
    result = automation.write(partners, {"email": "same@example.com"})
    assert posted_ids(result) == partners


def test_a_failing_call_sends_nothing(automation: Automation) -> None:
    partner = automation.partner()
    automation.rule(triggers=["name", "email"])
    automation.rule()
    with pytest.raises(ValidationError):
        automation.write([partner], {"email": "x@example.com", "parent_id": partner})
    assert len(automation.write([partner], {"name": "Fine"}).webhooks) == 1 + 2


# ---- triggers, activity, filters ---------------------------------------------------------------


def test_on_create_and_on_write_rules_fire_only_for_their_event(automation: Automation) -> None:
    automation.rule(trigger="on_create", name="created")
    automation.rule(trigger="on_write", name="written")
    created = automation.admin.result("res.partner", "create", {"name": "New"})
    assert [json.loads(p.body)["_action"] for p in created.webhooks] == ["created(#1)"]
    written = automation.write([created.value], {"email": "x@example.com"})
    assert {json.loads(p.body)["_action"] for p in written.webhooks} == {"written(#2)"}


def test_archived_rules_and_other_models_do_not_fire(automation: Automation) -> None:
    _action, rule = automation.rule()
    automation.hub.call("base.automation", "write", [rule], {"active": False})
    assert automation.admin.result("res.partner", "create", {"name": "Quiet"}).webhooks == ()
    automation.rule(model="purchase.order", fields=["name", "state"])
    assert automation.admin.result("res.partner", "create", {"name": "Still quiet"}).webhooks == ()


def test_a_filter_domain_limits_the_records_that_fire(automation: Automation) -> None:
    automation.rule(triggers=["email"], filter_domain="[('is_company', '=', True)]")
    person, company = automation.partner(), automation.partner(is_company=True)
    result = automation.write([person, company], {"email": "f@example.com"})
    assert posted_ids(result) == [company]


def test_business_methods_fire_rules_on_the_records_they_write(automation: Automation) -> None:
    automation.rule(
        model="purchase.order",
        triggers=["state"],
        fields=["name", "state", "partner_id"],
        name="PO state",
    )
    order = automation.admin.call("purchase.order", "search", [["state", "=", "draft"]], limit=1)
    result = automation.admin.result("purchase.order", "button_confirm", order)
    body = json.loads(result.webhooks[0].body)
    assert len(result.webhooks) == 1
    assert body["state"] == "purchase"
    assert isinstance(body["partner_id"], int)


# ---- the body bytes ----------------------------------------------------------------------------


def test_the_body_is_odoos_json_dumps_with_sorted_keys_microseconds_and_bare_ids(
    db: Database, automation: Automation
) -> None:
    action, _rule = automation.rule(triggers=["email"])
    partner = automation.partner(country_id=20)
    result = automation.write([partner], {"email": "b@example.com"})
    stamp = next(row for row in db.records("res.partner") if row["id"] == partner)["write_date"]
    assert stamp.microsecond
    expected = (
        f'{{"_action": "Notify hub(#{action})", "_id": {partner}, "_model": "res.partner", '
        '"country_id": 20, '
        f'"email": "b@example.com", "id": {partner}, "name": "Probe", "write_date": "{stamp}"}}'
    ).encode()
    assert result.webhooks[0].body == expected
    assert result.webhooks[0].url == URL


def test_non_ascii_text_is_escaped_and_other_types_follow_read(
    db: Database, automation: Automation
) -> None:
    automation.rule(
        triggers=["comment"],
        fields=[
            "active",
            "category_id",
            "child_ids",
            "comment",
            "company_type",
            "customer_rank",
            "parent_id",
            "partner_latitude",
            "date",
        ],
    )
    company, contacts = automation.company_with_contacts()
    result = automation.write(
        [company],
        {"comment": "<p>Ünïcode ✓</p>", "category_id": [(6, 0, [1, 2])], "date": "2026-01-31"},
    )
    raw = result.webhooks[0].body
    assert b"\\u00dcn\\u00efcode \\u2713" in raw
    body = json.loads(raw)
    assert body["active"] is True
    assert body["category_id"] == [1, 2]
    assert sorted(body["child_ids"]) == sorted(contacts)
    assert body["company_type"] == "company"
    assert body["customer_rank"] == 0
    assert body["parent_id"] is False
    assert body["partner_latitude"] == 0.0
    assert body["date"] == "2026-01-31"
    assert list(body) == sorted(body)


def test_a_webhook_without_fields_sends_only_the_three_underscore_keys(
    automation: Automation,
) -> None:
    action, _rule = automation.rule(triggers=["email"], fields=[])
    partner = automation.partner()
    body = automation.write([partner], {"email": "z@example.com"}).webhooks[0].body
    expected = f'{{"_action": "Notify hub(#{action})", "_id": {partner}, "_model": "res.partner"}}'
    assert body == expected.encode()


def test_the_body_shows_the_committed_state_of_the_call(automation: Automation) -> None:
    automation.rule(triggers=["email"])
    partner = automation.partner()
    result = automation.admin.result(
        "res.partner", "write", [partner], {"email": "first@example.com", "name": "Renamed"}
    )
    assert json.loads(result.webhooks[0].body)["name"] == "Renamed"
