"""Use cases: one async capability each, seeing Odoo and the store only through ports."""

from healthbridge.services.change_capture import (
    AcceptedWebhook,
    ChangeIntake,
    ChangePoller,
    ModelPollReport,
    PollReport,
)
from healthbridge.services.hl7_inbound import (
    SUPPORTED_EVENTS,
    Hl7Inbound,
    Hl7InboundError,
    check_supported,
)
from healthbridge.services.message_ports import MessageLogPort, MessageStatus, StoredMessage
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
    "SUPPORTED_EVENTS",
    "AcceptedWebhook",
    "AppliedWebhookRule",
    "ChangeIntake",
    "ChangeLogPort",
    "ChangePoller",
    "Hl7Inbound",
    "Hl7InboundError",
    "MessageLogPort",
    "MessageStatus",
    "ModelPollReport",
    "OdooPort",
    "PollReport",
    "StoredMessage",
    "WatermarkPort",
    "WebhookRule",
    "WebhookRuleError",
    "WebhookRulePlan",
    "apply_webhook_rules",
    "check_supported",
    "plan_webhook_rules",
]
