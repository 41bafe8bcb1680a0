"""Install the Odoo automation rules that send Healthbridge a webhook on every change.

Per model: one ``ir.actions.server`` with ``state = "webhook"`` that posts to the hub's
receiver, and one ``base.automation`` that runs it ``on_create_or_write``. The rule always
has trigger fields: on a real Odoo 19.0 a rule without them sent 13 identical webhooks
for one create (it re-fires on every recomputation). The payload carries the trigger
fields plus ``write_date``, which the receiver needs for its dedupe key.

Plan first, then apply: the plan looks up ids and existing rules (found by their name
``Healthbridge: <model>``) so applying it twice updates instead of duplicating, and it
prints for ``--dry-run`` with the secret masked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote

from pydantic import SecretStr

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services.ports import OdooPort

RULE_NAME_PREFIX: Final = "Healthbridge: "
MASK: Final = "********"

DEFAULT_TRIGGER_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "res.partner": (
        "name",
        "email",
        "phone",
        "street",
        "city",
        "zip",
        "country_id",
        "vat",
        "ref",
        "active",
        "category_id",
    ),
    "product.product": (
        "name",
        "default_code",
        "barcode",
        "list_price",
        "standard_price",
        "active",
    ),
    "stock.quant": ("quantity", "reserved_quantity", "location_id", "lot_id"),
    "purchase.order": ("state", "partner_id", "amount_total", "date_order"),
    "account.move": ("state", "payment_state", "amount_total", "amount_residual"),
    "stock.lot": ("name", "product_id", "expiration_date"),
    "stock.picking": ("state", "partner_id", "scheduled_date", "date_done"),
    "sale.order": ("state", "partner_id", "amount_total", "date_order"),
}
"""Business fields whose change is worth a webhook, per model; override per call."""

_NO_CONTEXT_FILTER: Final = {"active_test": False}


class WebhookRuleError(HealthbridgeError):
    """The rules cannot be planned: a model or field is not in this Odoo, or none was chosen."""

    code = "capture.webhook_rules_invalid"


def rule_name(model: str) -> str:
    """The name that identifies Healthbridge's rule (and its server action) for ``model``."""
    return f"{RULE_NAME_PREFIX}{model}"


def integration_for(model: str) -> str:
    """The receiver path segment for ``model``: ``res.partner`` -> ``res_partner``."""
    return model.replace(".", "_")


@dataclass(frozen=True)
class WebhookRule:
    """One model's rule as planned: the ids to use and whether it exists already."""

    model: str
    model_id: int
    integration: str
    trigger_fields: tuple[str, ...]
    trigger_field_ids: tuple[int, ...]
    payload_fields: tuple[str, ...]
    payload_field_ids: tuple[int, ...]
    automation_id: int | None = None
    action_id: int | None = None

    @property
    def name(self) -> str:
        """The rule's name in Odoo."""
        return rule_name(self.model)

    @property
    def change(self) -> Literal["create", "update"]:
        """What applying does: create the rule, or update the one found by name."""
        return (
            "update" if self.automation_id is not None or self.action_id is not None else "create"
        )


@dataclass(frozen=True)
class WebhookRulePlan:
    """The rules to install; ``render()`` is safe to print (the secret is masked)."""

    public_url: str
    secret: SecretStr
    rules: tuple[WebhookRule, ...]

    def webhook_url(self, rule: WebhookRule, *, masked: bool = False) -> str:
        """The URL Odoo will post to, with the token (or a mask in its place)."""
        token = MASK if masked else quote(self.secret.get_secret_value(), safe="")
        return f"{self.public_url}/hooks/odoo/{rule.integration}?token={token}"

    def render(self) -> str:
        """A human-readable plan for ``--dry-run``; never contains the secret."""
        creating = sum(rule.change == "create" for rule in self.rules)
        lines = [
            f"Odoo webhook rules: {creating} to create, {len(self.rules) - creating} to update"
        ]
        for rule in self.rules:
            lines += [
                f"  {rule.change:<6} {rule.name!r} on {rule.model}",
                f"         POST {self.webhook_url(rule, masked=True)}",
                f"         on create or write of: {', '.join(rule.trigger_fields)}",
                f"         sends: id, {', '.join(rule.payload_fields)}",
            ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class AppliedWebhookRule:
    """The Odoo ids of one installed rule."""

    model: str
    automation_id: int
    action_id: int
    created: bool


async def plan_webhook_rules(
    odoo: OdooPort,
    models: Sequence[str],
    public_url: str,
    secret: SecretStr | str,
    fields: Mapping[str, Sequence[str]] | None = None,
) -> WebhookRulePlan:
    """Look up everything the rules for ``models`` need, and which rules exist already.

    ``fields`` overrides the trigger fields per model (default ``DEFAULT_TRIGGER_FIELDS``).
    Raises ``WebhookRuleError`` naming the models or fields this Odoo does not have.
    """
    secret = secret if isinstance(secret, SecretStr) else SecretStr(secret)
    if not secret.get_secret_value():
        raise WebhookRuleError("set capture.webhook_secret: Odoo puts it in the webhook URL")
    triggers = {model: _trigger_fields(model, fields) for model in models}
    payloads = {model: (*triggers[model], "write_date") for model in models}
    model_ids = await _model_ids(odoo, models)
    field_ids = await _field_ids(odoo, payloads)
    names = [rule_name(model) for model in models]
    automations = await _by_name(odoo, "base.automation", names)
    actions = await _by_name(odoo, "ir.actions.server", names)
    rules = []
    for model in models:
        ids = field_ids[model]
        rules.append(
            WebhookRule(
                model=model,
                model_id=model_ids[model],
                integration=integration_for(model),
                trigger_fields=triggers[model],
                trigger_field_ids=tuple(ids[name] for name in triggers[model]),
                payload_fields=payloads[model],
                payload_field_ids=tuple(ids[name] for name in payloads[model]),
                automation_id=automations.get(rule_name(model)),
                action_id=actions.get(rule_name(model)),
            )
        )
    return WebhookRulePlan(public_url=public_url.rstrip("/"), secret=secret, rules=tuple(rules))


async def apply_webhook_rules(
    odoo: OdooPort, plan: WebhookRulePlan
) -> tuple[AppliedWebhookRule, ...]:
    """Create or update every rule in ``plan``; running it again changes nothing new."""
    applied = []
    for rule in plan.rules:
        action_vals = {
            "name": rule.name,
            "model_id": rule.model_id,
            "state": "webhook",
            "webhook_url": plan.webhook_url(rule),
            "webhook_field_ids": [(6, 0, list(rule.payload_field_ids))],
        }
        action_id = await _save(odoo, "ir.actions.server", rule.action_id, action_vals)
        automation_vals = {
            "name": rule.name,
            "model_id": rule.model_id,
            "trigger": "on_create_or_write",
            "trigger_field_ids": [(6, 0, list(rule.trigger_field_ids))],
            "action_server_ids": [(6, 0, [action_id])],
            "active": True,
        }
        automation_id = await _save(odoo, "base.automation", rule.automation_id, automation_vals)
        applied.append(
            AppliedWebhookRule(
                model=rule.model,
                automation_id=automation_id,
                action_id=action_id,
                created=rule.change == "create",
            )
        )
    return tuple(applied)


def _trigger_fields(model: str, fields: Mapping[str, Sequence[str]] | None) -> tuple[str, ...]:
    chosen = (fields or {}).get(model) or DEFAULT_TRIGGER_FIELDS.get(model)
    if not chosen:
        raise WebhookRuleError(
            f"no trigger fields for {model}: pass them, e.g. --field {model}=name,state",
            details={"model": model},
        )
    # write_date changes on every write: as a trigger it would fire like a rule without any.
    return tuple(dict.fromkeys(name for name in chosen if name != "write_date"))


async def _model_ids(odoo: OdooPort, models: Sequence[str]) -> dict[str, int]:
    rows = await odoo.search_read("ir.model", [("model", "in", list(models))], ["id", "model"])
    found = {row["model"]: row["id"] for row in rows}
    missing = [model for model in models if model not in found]
    if missing:
        raise WebhookRuleError(
            f"models not installed in this Odoo: {', '.join(missing)}",
            details={"models": missing},
        )
    return found


async def _field_ids(
    odoo: OdooPort, payloads: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, int]]:
    names = sorted({name for fields in payloads.values() for name in fields})
    rows = await odoo.search_read(
        "ir.model.fields",
        [("model", "in", list(payloads)), ("name", "in", names)],
        ["id", "model", "name"],
    )
    found: dict[str, dict[str, int]] = {model: {} for model in payloads}
    for row in rows:
        found.setdefault(row["model"], {})[row["name"]] = row["id"]
    missing = [
        f"{model}.{name}"
        for model, fields in payloads.items()
        for name in fields
        if name not in found[model]
    ]
    if missing:
        raise WebhookRuleError(
            f"fields not in this Odoo: {', '.join(missing)}; choose others with --field",
            details={"fields": missing},
        )
    return found


async def _by_name(odoo: OdooPort, model: str, names: Sequence[str]) -> dict[str, int]:
    rows = await odoo.search_read(
        model,
        [("name", "in", list(names))],
        ["id", "name"],
        order="id asc",
        context=_NO_CONTEXT_FILTER,
    )
    found: dict[str, int] = {}
    for row in rows:
        found.setdefault(row["name"], row["id"])
    return found


async def _save(odoo: OdooPort, model: str, record_id: int | None, vals: Mapping[str, Any]) -> int:
    if record_id is None:
        return (await odoo.create(model, [vals]))[0]
    await odoo.write(model, [record_id], vals)
    return record_id
