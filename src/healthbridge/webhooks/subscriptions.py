"""Which endpoints want an event: exact event types and trailing wildcards.

``org.healthbridge.stock.level-changed.v1`` matches itself only;
``org.healthbridge.stock.*`` matches every type under ``org.healthbridge.stock.``; ``*``
matches everything. A wildcard is allowed only as the last segment, so a pattern reads
as a prefix and an operator can tell what it selects.
"""

from __future__ import annotations

import re

from healthbridge.webhooks.errors import InvalidEndpointError

_PATTERN = re.compile(r"^(\*|[A-Za-z0-9][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*(\.\*)?)$")


def check_pattern(pattern: str) -> str:
    """``pattern`` unchanged when valid; InvalidEndpointError naming the rule otherwise."""
    if not _PATTERN.match(pattern):
        raise InvalidEndpointError(
            f"event type pattern {pattern!r} is invalid: use an exact type such as "
            "org.healthbridge.stock.level-changed.v1, a prefix such as org.healthbridge.stock.*, "
            "or * for every type",
            details={"pattern": pattern},
        )
    return pattern


def matches(pattern: str, event_type: str) -> bool:
    """True when ``event_type`` is selected by ``pattern``."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def wants(patterns: tuple[str, ...], event_type: str) -> bool:
    """True when any of ``patterns`` selects ``event_type``."""
    return any(matches(pattern, event_type) for pattern in patterns)
