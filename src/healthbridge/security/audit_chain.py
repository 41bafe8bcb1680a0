"""The hash chain of the audit trail: how an entry is hashed and how a chain is checked.

Each entry's hash is ``sha256(previous hash || canonical JSON of the entry)``; the
canonical JSON has sorted keys, no spaces and times in UTC ISO 8601 with microseconds,
so both database backends and any later reader compute the same bytes. Changing,
inserting or deleting a row breaks the link at that row. (Deleting the newest rows is
not detectable from the chain alone; anchoring the head elsewhere would be.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
"""The "previous hash" of the first entry."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """What one API call leaves in the audit trail; never a body, never PHI."""

    at: datetime
    method: str
    route: str
    status: int
    outcome: str
    """ok, denied (401/403), refused (other 4xx), error (5xx)."""
    trace_id: str
    client_id: str | None = None
    principal_kind: str | None = None
    user: str | None = None
    environment: str | None = None
    records: tuple[str, ...] = field(default=())
    """Records touched, as ``model:id`` or ``Type/id`` references the route reported."""

    def document(self, seq: int) -> dict[str, Any]:
        """The canonical mapping that is hashed (and stored) for entry number ``seq``."""
        return {
            "seq": seq,
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "method": self.method,
            "route": self.route,
            "status": self.status,
            "outcome": self.outcome,
            "trace_id": self.trace_id,
            "client_id": self.client_id,
            "principal_kind": self.principal_kind,
            "user": self.user,
            "environment": self.environment,
            "records": list(self.records),
        }


def outcome_of(status: int) -> str:
    """The audit outcome class of an HTTP status."""
    if status in (401, 403):
        return "denied"
    if status >= 500:
        return "error"
    if status >= 400:
        return "refused"
    return "ok"


def canonical_json(document: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed for ``document``."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous_hash: str, document: dict[str, Any]) -> str:
    """The hash of an entry whose predecessor's hash is ``previous_hash``."""
    return hashlib.sha256(previous_hash.encode() + canonical_json(document)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    """An entry as read back from storage, with the hashes it was stored with."""

    seq: int
    record: AuditRecord
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The state a verification carries from one page of entries to the next."""

    next_seq: int = 1
    previous_hash: str = GENESIS_HASH
    checked: int = 0


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where and why the chain is broken."""

    seq: int
    reason: str


def check_entries(
    entries: Iterable[ChainedEntry], state: ChainCheck
) -> tuple[ChainCheck, ChainBreak | None]:
    """Check ``entries`` (in ``seq`` order) continue the chain ``state`` describes."""
    next_seq, previous, checked = state.next_seq, state.previous_hash, state.checked
    for entry in entries:
        if entry.seq != next_seq:
            return state, ChainBreak(next_seq, f"entry {next_seq} is missing")
        if entry.previous_hash != previous:
            return state, ChainBreak(entry.seq, "its link to the previous entry does not match")
        if chain_hash(previous, entry.record.document(entry.seq)) != entry.hash:
            return state, ChainBreak(entry.seq, "its content does not match its hash")
        previous, next_seq, checked = entry.hash, next_seq + 1, checked + 1
        state = ChainCheck(next_seq, previous, checked)
    return state, None
