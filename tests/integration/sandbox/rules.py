"""Automation rules with a webhook action, set up over JSON-2 the way an integrator would."""

from __future__ import annotations

from healthbridge.sandbox.odoo import RunningSandbox
from tests.integration.sandbox.calls import json2


async def ids_of(sandbox: RunningSandbox, model: str, domain: list) -> list[int]:
    return (await json2(sandbox, model, "search", {"domain": domain})).json()


async def install_rule(
    sandbox: RunningSandbox,
    url: str,
    *,
    trigger_fields: tuple[str, ...] = ("name", "email"),
    fields: tuple[str, ...] = ("name", "email", "country_id", "write_date"),
) -> int:
    """A res.partner automation rule with one webhook action, made over JSON-2; the action id."""
    (model_id,) = await ids_of(sandbox, "ir.model", [["model", "=", "res.partner"]])
    field_ids = await ids_of(
        sandbox, "ir.model.fields", [["model", "=", "res.partner"], ["name", "in", list(fields)]]
    )
    trigger_ids = await ids_of(
        sandbox,
        "ir.model.fields",
        [["model", "=", "res.partner"], ["name", "in", list(trigger_fields)]],
    )
    assert len(field_ids) == len(fields)
    rule = await json2(
        sandbox,
        "base.automation",
        "create",
        {
            "vals_list": [
                {
                    "name": "Notify hub",
                    "model_id": model_id,
                    "trigger": "on_create_or_write",
                    "trigger_field_ids": [[6, 0, trigger_ids]],
                }
            ]
        },
    )
    assert rule.status == 200, rule.body
    action = await json2(
        sandbox,
        "ir.actions.server",
        "create",
        {
            "vals_list": [
                {
                    "name": "Notify hub",
                    "model_id": model_id,
                    "state": "webhook",
                    "webhook_url": url,
                    "webhook_field_ids": [[6, 0, field_ids]],
                    "base_automation_id": rule.json()[0],
                }
            ]
        },
    )
    assert action.status == 200, action.body
    return action.json()[0]


async def a_partner(sandbox: RunningSandbox) -> int:
    """A contact created before any rule exists, so creating it posts nothing."""
    (partner_id,) = (
        await json2(sandbox, "res.partner", "create", {"vals_list": [{"name": "Webhook Probe"}]})
    ).json()
    return partner_id
