"""install-webhooks: planning and applying the Odoo automation rules, against FakeOdoo."""

from __future__ import annotations

import pytest

from healthbridge.services import WebhookRuleError, apply_webhook_rules, plan_webhook_rules
from healthbridge.services.webhook_rules import DEFAULT_TRIGGER_FIELDS
from healthbridge.testing import FakeOdoo

SECRET = "s3cret/with&odd=chars"
HUB = "https://hub.example.org/"
MODELS = ("res.partner", "product.product")


@pytest.fixture
def odoo() -> FakeOdoo:
    fake = FakeOdoo()
    for model in MODELS:
        fake.declare_model(model, [*DEFAULT_TRIGGER_FIELDS[model], "comment"])
    return fake


def field_names(odoo: FakeOdoo, ids: list[int]) -> set[str]:
    by_id = {row["id"]: row["name"] for row in odoo.records("ir.model.fields")}
    return {by_id[i] for i in ids}


async def test_the_plan_triggers_on_business_fields_and_sends_write_date(odoo):
    plan = await plan_webhook_rules(odoo, MODELS, HUB, SECRET)

    partner = plan.rules[0]
    assert partner.model == "res.partner"
    assert partner.trigger_fields == DEFAULT_TRIGGER_FIELDS["res.partner"]
    assert "write_date" not in partner.trigger_fields
    assert partner.payload_fields == (*DEFAULT_TRIGGER_FIELDS["res.partner"], "write_date")
    assert field_names(odoo, list(partner.trigger_field_ids)) == set(partner.trigger_fields)
    assert {rule.change for rule in plan.rules} == {"create"}


async def test_trigger_fields_can_be_chosen_per_model(odoo):
    plan = await plan_webhook_rules(
        odoo, ["res.partner"], HUB, SECRET, fields={"res.partner": ["email", "write_date"]}
    )

    assert plan.rules[0].trigger_fields == ("email",)
    assert plan.rules[0].payload_fields == ("email", "write_date")


async def test_the_printable_plan_masks_the_secret(odoo):
    plan = await plan_webhook_rules(odoo, MODELS, HUB, SECRET)

    rendered = plan.render()
    assert SECRET not in rendered
    assert "s3cret" not in rendered
    assert "token=********" in rendered
    assert "https://hub.example.org/hooks/odoo/res_partner?token=" in rendered
    assert "s3cret" not in repr(plan)
    assert str(plan) == rendered


async def test_applying_creates_a_webhook_action_and_an_automation_per_model(odoo):
    plan = await plan_webhook_rules(odoo, MODELS, HUB, SECRET)

    applied = await apply_webhook_rules(odoo, plan)

    assert [a.created for a in applied] == [True, True]
    actions = {row["id"]: row for row in odoo.records("ir.actions.server")}
    automations = {row["id"]: row for row in odoo.records("base.automation")}
    partner = applied[0]
    action = actions[partner.action_id]
    assert action["name"] == "Healthbridge: res.partner"
    assert action["state"] == "webhook"
    assert action["webhook_url"] == (
        "https://hub.example.org/hooks/odoo/res_partner?token=s3cret%2Fwith%26odd%3Dchars"
    )
    assert field_names(odoo, action["webhook_field_ids"]) == {
        *DEFAULT_TRIGGER_FIELDS["res.partner"],
        "write_date",
    }
    automation = automations[partner.automation_id]
    assert automation["trigger"] == "on_create_or_write"
    assert automation["action_server_ids"] == [partner.action_id]
    assert field_names(odoo, automation["trigger_field_ids"]) == set(
        DEFAULT_TRIGGER_FIELDS["res.partner"]
    )
    assert automation["model_id"] == action["model_id"]


async def test_applying_again_updates_the_rules_instead_of_duplicating_them(odoo):
    first = await apply_webhook_rules(odoo, await plan_webhook_rules(odoo, MODELS, HUB, SECRET))

    replan = await plan_webhook_rules(
        odoo, MODELS, HUB, "rotated", fields={"res.partner": ["email"]}
    )
    second = await apply_webhook_rules(odoo, replan)

    assert {rule.change for rule in replan.rules} == {"update"}
    assert [(a.automation_id, a.action_id) for a in second] == [
        (a.automation_id, a.action_id) for a in first
    ]
    assert not any(a.created for a in second)
    assert len(odoo.records("base.automation")) == 2
    assert len(odoo.records("ir.actions.server")) == 2
    action = odoo.records("ir.actions.server")[0]
    assert action["webhook_url"].endswith("token=rotated")
    automation = odoo.records("base.automation")[0]
    assert field_names(odoo, automation["trigger_field_ids"]) == {"email"}


async def test_a_model_that_odoo_does_not_have_is_named_in_the_error(odoo):
    with pytest.raises(WebhookRuleError) as caught:
        await plan_webhook_rules(odoo, ["res.partner", "stock.quant"], HUB, SECRET)

    assert caught.value.details["models"] == ["stock.quant"]


async def test_a_field_that_odoo_does_not_have_is_named_in_the_error(odoo):
    with pytest.raises(WebhookRuleError) as caught:
        await plan_webhook_rules(
            odoo, ["res.partner"], HUB, SECRET, fields={"res.partner": ["nope"]}
        )

    assert caught.value.details["fields"] == ["res.partner.nope"]


async def test_a_model_without_default_trigger_fields_must_be_given_some(odoo):
    odoo.declare_model("x.custom", ["name"])

    with pytest.raises(WebhookRuleError, match=r"no trigger fields for x\.custom"):
        await plan_webhook_rules(odoo, ["x.custom"], HUB, SECRET)


async def test_planning_without_a_secret_is_refused(odoo):
    with pytest.raises(WebhookRuleError, match="webhook_secret"):
        await plan_webhook_rules(odoo, MODELS, HUB, "")
