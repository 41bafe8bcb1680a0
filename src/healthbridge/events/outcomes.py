"""What a handler decides about one event: ack, nak (retry later), term, or dead-letter.

A handler returns one of these explicitly; an exception it raises is never swallowed: it
counts as a failed delivery, is naked with backoff and, at the subscription's last
delivery, moves the event to the dead-letter store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ack:
    """Done: the event is processed and will not be delivered again."""


@dataclass(frozen=True, slots=True)
class Nak:
    """Not now: deliver again after ``delay`` seconds (None: the subscription's backoff)."""

    delay: float | None = None
    code: str = "handler.nak"


@dataclass(frozen=True, slots=True)
class Term:
    """Never: the event is not for this handler and must not be delivered again."""

    reason: str = "handler.term"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Give up now: keep the event in the dead-letter store for an operator, then term it."""

    code: str = "handler.dead_letter"
    message: str = "the handler dead-lettered the event"


Outcome = Ack | Nak | Term | DeadLetter

ACK = Ack()
"""The usual outcome, ready to return."""
