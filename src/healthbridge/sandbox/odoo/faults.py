"""Fault injection: make the sandbox slow, failing, hanging or down on purpose.

Resilience code (retries, breakers, timeouts, failover) is only proven against a peer
that misbehaves. A rule targets one model (or ``*`` for every RPC call) and lasts for
the next N calls, for T seconds, or until cleared. Errors are raised as the same
``OdooError`` subclasses the ORM uses, so each protocol renders them exactly as a real
Odoo would render the same failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from healthbridge.core.errors import HealthbridgeError
from healthbridge.sandbox.odoo.exceptions import (
    AccessError,
    MissingError,
    OdooError,
    ServerError,
    ValidationError,
)

FaultKind = Literal[
    "slow", "server_error", "access_error", "validation_error", "missing", "hang", "down"
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
ANY_MODEL = "*"
DEFAULT_HANG_SECONDS = 3600.0


class FaultSpecError(HealthbridgeError):
    """A fault rule was asked for with an unknown kind or impossible numbers."""

    code = "sandbox.invalid_fault"


class DropConnection(Exception):  # noqa: N818 - a control signal, not an error condition
    """Tells the server to abort the TCP connection without sending a response."""


@dataclass(slots=True)
class FaultRule:
    """One active fault; ``remaining`` and ``expires_at`` bound it, None meaning unbounded."""

    id: int
    kind: FaultKind
    model: str
    delay: float
    remaining: int | None
    expires_at: float | None

    def live(self, now: float) -> bool:
        """Whether the rule still applies at monotonic time ``now``."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        return self.expires_at is None or now < self.expires_at

    def matches(self, model: str | None) -> bool:
        """Whether the rule targets a call on ``model`` (None: a call naming no model)."""
        return self.model in (ANY_MODEL, model)

    def to_json(self, now: float) -> dict[str, Any]:
        """A JSON view for the control API."""
        seconds_left = None if self.expires_at is None else max(0.0, self.expires_at - now)
        return {
            "id": self.id,
            "kind": self.kind,
            "model": self.model,
            "delay": self.delay,
            "remaining": self.remaining,
            "seconds_left": seconds_left,
        }


class FaultInjector:
    """The set of active fault rules, consulted before every RPC call."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._release = asyncio.Event()

    @property
    def active(self) -> bool:
        """Cheap check for the hot path: is any rule registered at all."""
        return bool(self._rules)

    def add(
        self,
        kind: str,
        *,
        model: str = ANY_MODEL,
        delay: float = 0.0,
        count: int | None = None,
        seconds: float | None = None,
    ) -> FaultRule:
        """Register a rule; it applies to the next ``count`` calls and/or for ``seconds``."""
        if kind not in FAULT_KINDS:
            raise FaultSpecError(f"unknown fault kind; use one of {', '.join(FAULT_KINDS)}")
        if delay < 0 or (count is not None and count < 1) or (seconds is not None and seconds <= 0):
            raise FaultSpecError("delay must be >= 0, count >= 1 and seconds > 0")
        if kind == "slow" and delay <= 0:
            raise FaultSpecError("a slow fault needs a delay in seconds")
        if not model:
            raise FaultSpecError("model must be a model name or '*'")
        expires_at = None if seconds is None else self._clock() + seconds
        if kind == "hang" and delay <= 0:
            delay = DEFAULT_HANG_SECONDS
        rule = FaultRule(next(self._ids), cast(FaultKind, kind), model, delay, count, expires_at)
        self._rules.append(rule)
        return rule

    def slow(
        self,
        delay: float,
        *,
        model: str = ANY_MODEL,
        count: int | None = None,
        seconds: float | None = None,
    ) -> FaultRule:
        """Delay matching calls by ``delay`` seconds, then answer normally."""
        return self.add("slow", model=model, delay=delay, count=count, seconds=seconds)

    def fail(
        self,
        kind: str,
        *,
        model: str = ANY_MODEL,
        count: int | None = None,
        seconds: float | None = None,
    ) -> FaultRule:
        """Fail matching calls: server_error, access_error, validation_error or missing."""
        return self.add(kind, model=model, count=count, seconds=seconds)

    def hang(
        self,
        *,
        model: str = ANY_MODEL,
        drop_after: float = DEFAULT_HANG_SECONDS,
        count: int | None = None,
        seconds: float | None = None,
    ) -> FaultRule:
        """Hold matching calls without answering, then drop the connection."""
        return self.add("hang", model=model, delay=drop_after, count=count, seconds=seconds)

    def down(self, seconds: float | None = None, *, count: int | None = None) -> FaultRule:
        """Abort every request's connection (control endpoints excepted) for a while."""
        return self.add("down", seconds=seconds, count=count)

    def clear(self) -> int:
        """Remove every rule and drop hanging calls now; returns how many rules there were."""
        cleared = len(self._rules)
        self._rules.clear()
        # Hanging calls hold the old event: setting it drops them now; new rules get a fresh one.
        self._release.set()
        self._release = asyncio.Event()
        return cleared

    def rules(self) -> list[FaultRule]:
        """The rules still in force, oldest first."""
        self._prune()
        return list(self._rules)

    def to_json(self) -> list[dict[str, Any]]:
        """A JSON view of the rules still in force."""
        now = self._clock()
        return [rule.to_json(now) for rule in self.rules()]

    def take_down(self) -> bool:
        """Whether this request must be dropped because the server is 'down'."""
        return self._take("down", None) is not None

    async def before_call(self, model: str | None, uid: int | None) -> None:
        """Apply the rules matching a call: sleep, raise an Odoo error or drop the connection."""
        if not self._rules:
            return
        if (slow := self._take("slow", model)) is not None:
            await asyncio.sleep(slow.delay)
        if (hang := self._take("hang", model)) is not None:
            release = self._release
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release.wait(), timeout=hang.delay)
            raise DropConnection
        for kind in ("server_error", "access_error", "validation_error", "missing"):
            if self._take(kind, model) is not None:
                raise injected_error(kind, model, uid)

    def _take(self, kind: str, model: str | None) -> FaultRule | None:
        now = self._clock()
        for rule in self._rules:
            if rule.kind == kind and rule.matches(model) and rule.live(now):
                if rule.remaining is not None:
                    rule.remaining -= 1
                self._prune()
                return rule
        return None

    def _prune(self) -> None:
        now = self._clock()
        self._rules = [rule for rule in self._rules if rule.live(now)]


def injected_error(kind: str, model: str | None, uid: int | None) -> OdooError:
    """The Odoo error a real server raises for the failure ``kind`` on ``model``."""
    target = model or "res.users"
    if kind == "access_error":
        return AccessError(
            f"You are not allowed to access '{target}' ({target}) records.\n\n"
            "This operation is allowed for the following groups:\n\t- Role / Administrator\n\n"
            "Contact your administrator to request access if necessary."
        )
    if kind == "validation_error":
        return ValidationError(
            "The operation cannot be completed: the sandbox injected a validation failure"
        )
    if kind == "missing":
        return MissingError(
            "Record does not exist or has been deleted.\n"
            f"(Record: {target}(), User: {uid if uid is not None else 1})"
        )
    return ServerError("the sandbox injected a server error")
