"""Use cases: one async capability each, seeing Odoo and the store only through ports."""

from healthbridge.services.change_capture import (
    AcceptedWebhook,
    ChangeIntake,
    ChangePoller,
    ModelPollReport,
    PollReport,
)
from healthbridge.services.ports import ChangeLogPort, OdooPort, WatermarkPort
from healthbridge.services.webhook_rules import (
    AppliedWebhookRule,
    WebhookRule,
    WebhookRuleError,
    WebhookRulePlan,
    apply_webhook_rules,
    plan_webhook_rules,
)

__all__ = [
    "AcceptedWebhook",
    "AppliedWebhookRule",
    "ChangeIntake",
    "ChangeLogPort",
    "ChangePoller",
    "ModelPollReport",
    "OdooPort",
    "PollReport",
    "WatermarkPort",
    "WebhookRule",
    "WebhookRuleError",
    "WebhookRulePlan",
    "apply_webhook_rules",
    "plan_webhook_rules",
]
