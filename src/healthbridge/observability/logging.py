"""Structured logging: key-value events, trace ids from contextvars, and no PHI.

Every log line is an event named in snake_case with key-value facts. A redaction
processor replaces the values of keys that may carry personal or health data before
any renderer sees them, so a careless ``log.info("x", name=patient.name)`` still does
not leak. Secrets are masked the same way.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable, MutableMapping
from typing import Any, Literal

import structlog
from opentelemetry import trace
from pydantic import BaseModel

from healthbridge.core.errors import HealthbridgeError

REDACTED = "[redacted]"
_CHAIN_DEPTH = 5

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


def add_trace_ids(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Add the current span's ``trace_id`` and ``span_id``, so a log line finds its trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict


def _redact(key: str, value: Any) -> Any:
    if key.lower() in SENSITIVE_KEYS:
        return REDACTED
    if isinstance(value, dict):
        return {k: _redact(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # A list of records (``[{"name": ...}]``) is redacted record by record.
        return [_redact("", item) for item in value]
    return value


def redact_exception(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Render ``exc_info`` as frames and exception types, without the exceptions' messages.

    An exception's text often quotes the data that failed (``invalid name 'Ada Okafor'``),
    so only a ``HealthbridgeError``'s ``safe_message`` is shown; other messages are
    withheld. The frames (file, line, function, source line) stay for debugging.
    """
    exc_info = event_dict.pop("exc_info", None)
    if not exc_info:
        return event_dict
    if exc_info is True:
        exc_info = sys.exc_info()
    exc = exc_info if isinstance(exc_info, BaseException) else exc_info[1]
    if isinstance(exc, BaseException):
        event_dict["exception"] = _safe_traceback(exc)
    return event_dict


def _safe_traceback(exc: BaseException) -> str:
    parts: list[str] = []
    current: BaseException | None = exc
    for _ in range(_CHAIN_DEPTH):
        if current is None:
            break
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{_describe(current)}")
        current = current.__cause__ or current.__context__
    return "\n\nwhile handling the above, or caused by it:\n".join(reversed(parts))


def _describe(exc: BaseException) -> str:
    name = type(exc).__qualname__
    if isinstance(exc, HealthbridgeError):
        return f"{name} ({exc.code}): {exc.safe_message}"
    return f"{name}: [message withheld: it may quote PHI]"


def classified_keys(
    *models: type[BaseModel], classes: Iterable[str] = ("phi", "pii")
) -> frozenset[str]:
    """The field names that ``models`` declare with one of ``classes`` (canonical data classes).

    Reads the ``data_class`` of each field's ``Annotated`` marker without importing the
    canonical package (it sits above this layer). Only the models' own fields count: a
    nested value is redacted whole under its parent's key, while adding nested names
    (``value``, ``state``, ``text``) would also blank unrelated log keys. Pass the result
    to ``configure_logging(extra_sensitive=...)``.
    """
    wanted = {str(c) for c in classes}
    found: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            marks = {str(getattr(m, "data_class", "")) for m in info.metadata}
            if marks & wanted:
                found.add(name)
    return frozenset(found)


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
        add_trace_ids,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_event,
        redact_exception,
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
