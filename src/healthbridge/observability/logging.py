"""Structured logging: key-value events, trace ids from contextvars, and no PHI.

Every log line is an event named in snake_case with key-value facts. A redaction
processor replaces the values of keys that may carry personal or health data before
any renderer sees them, so a careless ``log.info("x", name=patient.name)`` still does
not leak. Secrets are masked the same way.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, Literal

import structlog

REDACTED = "[redacted]"

SENSITIVE_KEYS: frozenset[str] = frozenset(
    {
        # identity and contact (pii/phi)
        "name",
        "display_name",
        "first_name",
        "last_name",
        "family",
        "given",
        "birthdate",
        "birth_date",
        "date_of_birth",
        "dob",
        "email",
        "phone",
        "mobile",
        "street",
        "street2",
        "address",
        "zip",
        "ssn",
        "vat",
        "mrn",
        "comment",
        "note",
        "body",
        "payload",
        "values",
        "vals",
        # secrets
        "password",
        "api_key",
        "apikey",
        "token",
        "secret",
        "authorization",
    }
)


def redact_event(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace the value of every sensitive key, at any depth, with a marker."""
    for key in list(event_dict):
        if key == "event":
            continue
        event_dict[key] = _redact(key, event_dict[key])
    return event_dict


def _redact(key: str, value: Any) -> Any:
    if key.lower() in SENSITIVE_KEYS:
        return REDACTED
    if isinstance(value, dict):
        return {k: _redact(str(k), v) for k, v in value.items()}
    return value


def configure_logging(
    level: str = "info",
    fmt: Literal["console", "json"] = "console",
    *,
    extra_sensitive: Iterable[str] = (),
) -> None:
    """Set up structlog and the standard library so every line is redacted and structured."""
    global SENSITIVE_KEYS  # noqa: PLW0603 - widened once at start-up, read-only afterwards
    SENSITIVE_KEYS = SENSITIVE_KEYS | {key.lower() for key in extra_sensitive}
    numeric = logging.getLevelNamesMapping()[level.upper()]
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_event,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(),
            # Rich tracebacks show local variables, which may hold PHI or secrets.
            exception_formatter=structlog.dev.plain_traceback,
        )
    )
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(
        level=numeric, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s"
    )
