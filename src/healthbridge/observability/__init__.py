"""Logs, traces and metrics that let an operator see what the hub did, without PHI."""

from healthbridge.observability.logging import REDACTED, configure_logging, redact_event

__all__ = ["REDACTED", "configure_logging", "redact_event"]
