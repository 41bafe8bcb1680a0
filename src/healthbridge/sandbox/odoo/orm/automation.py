"""Automation-rule webhooks, produced the way Odoo 19 produced them on the wire.

After a call succeeds, each change it made is matched against the active
``base.automation`` rules of its model. A rule with trigger fields fires once per record
whose trigger field really changed (every field counts as changed on create). A rule
without trigger fields re-fires on each recomputation Odoo runs in the transaction, which
the observed counts capture: 13 posts for one ``res.partner`` create, 2 for a direct
write (1 when only ``comment`` was written), 1 for each contact a company write synced.
Posts go out in rounds: the first firing of every change, then the second, and so on, so
a company write gives the company, its contacts, then the company again.

The body is ``json.dumps(vals, sort_keys=True, default=str)`` with ``_action``, ``_id``,
``_model`` and ``read(webhook fields, load=None)[0]`` of the committed record, so
datetimes keep their microseconds and a many2one is a bare id.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.orm.domain import parse_domain
from healthbridge.sandbox.odoo.orm.evaluation import Evaluator
from healthbridge.sandbox.odoo.orm.reading import read_rows
from healthbridge.sandbox.odoo.orm.results import WebhookPost

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Change, Environment

CREATE_TRIGGERS = frozenset({"on_create", "on_create_or_write"})
WRITE_TRIGGERS = frozenset({"on_write", "on_create_or_write"})


@dataclass(frozen=True, slots=True)
class WebhookAction:
    action_id: int
    name: str
    url: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: int
    model: str
    trigger: str
    trigger_fields: frozenset[str]
    filter_domain: Any
    actions: tuple[WebhookAction, ...]


def _names(env: Environment, field_ids: tuple[int, ...]) -> list[str]:
    rows = env.store.tables["ir.model.fields"].rows
    return [rows[i]["name"] for i in field_ids if i in rows]


def active_rules(env: Environment) -> dict[str, list[Rule]]:
    """Active rules with at least one webhook action, by model name."""
    tables = env.store.tables
    models = tables["ir.model"].rows
    rules: dict[str, list[Rule]] = {}
    action_rows = tables["ir.actions.server"].rows
    for rule_id in sorted(tables["base.automation"].rows):
        row = tables["base.automation"].rows[rule_id]
        if not row["active"] or row["model_id"] not in models:
            continue
        model = models[row["model_id"]]["model"]
        if model not in env.registry:
            continue
        known = env.registry[model]._fields
        actions = []
        for action_id in sorted(
            i for i, a in action_rows.items() if a["base_automation_id"] == rule_id
        ):
            action = action_rows[action_id]
            if action["state"] != "webhook" or not action["webhook_url"]:
                continue
            names = tuple(n for n in _names(env, action["webhook_field_ids"]) if n in known)
            actions.append(
                WebhookAction(action_id, action["name"] or "", action["webhook_url"], names)
            )
        if not actions:
            continue
        domain = _filter_domain(row.get("filter_domain"))
        triggers = frozenset(_names(env, row["trigger_field_ids"]))
        rules.setdefault(model, []).append(
            Rule(rule_id, model, row["trigger"], triggers, domain, tuple(actions))
        )
    return rules


def _filter_domain(text: Any) -> Any:
    if not text or not isinstance(text, str):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def firings(env: Environment, rule: Rule, change: Change) -> int:
    """How many times ``rule`` runs for ``change`` (0 when it does not apply)."""
    model = env.registry[change.model]
    if change.kind == "create":
        if rule.trigger not in CREATE_TRIGGERS:
            return 0
        if rule.trigger_fields or rule.trigger == "on_create":
            return 1
        return model._webhook_create_fires
    if rule.trigger not in WRITE_TRIGGERS:
        return 0
    if rule.trigger_fields:
        return 1 if rule.trigger_fields & change.changed else 0
    return 1 if change.synced else model._webhook_write_fires(change.written)


def _matches(env: Environment, rule: Rule, record_id: int) -> bool:
    if rule.filter_domain is None:
        return True
    model = env.registry[rule.model]
    return bool(Evaluator(env).filter(model, parse_domain(rule.filter_domain), {record_id}))


def webhook_posts(env: Environment, changes: list[Change]) -> tuple[WebhookPost, ...]:
    """The posts the committed ``changes`` produce, in the order Odoo would send them."""
    if not changes or not env.store.tables["base.automation"].rows:
        return ()
    env = env.sudo().with_context(active_test=True)
    rules = active_rules(env)
    if not rules:
        return ()
    plan: list[tuple[Rule, Change, int]] = []
    for change in changes:
        for rule in rules.get(change.model, ()):
            count = firings(env, rule, change)
            if (
                count
                and change.record_id in env.store.tables[change.model].rows
                and _matches(env, rule, change.record_id)
            ):
                plan.append((rule, change, count))
    bodies: dict[tuple[int, int], bytes] = {}
    posts: list[WebhookPost] = []
    for round_number in range(max((count for _r, _c, count in plan), default=0)):
        for rule, change, count in plan:
            if count <= round_number:
                continue
            for action in rule.actions:
                key = (action.action_id, change.record_id)
                if key not in bodies:
                    bodies[key] = _body(env, action, change)
                posts.append(WebhookPost(action.url, bodies[key]))
    return tuple(posts)


def _body(env: Environment, action: WebhookAction, change: Change) -> bytes:
    vals: dict[str, Any] = {
        "_action": f"{action.name}(#{action.action_id})",
        "_id": change.record_id,
        "_model": change.model,
    }
    if action.fields:
        model = env.registry[change.model]
        vals.update(read_rows(env, model, [change.record_id], list(action.fields), pairs=False)[0])
    return json.dumps(vals, sort_keys=True, default=str).encode()
