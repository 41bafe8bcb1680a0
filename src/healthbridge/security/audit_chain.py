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
from collections.abc import Iterable, Sequence
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

    def canonical(self, seq: int) -> bytes:
        """``canonical_json(self.document(seq))``, written out directly.

        The audit writer hashes one of these per request; spelling the fixed, sorted
        keys out costs a third of a generic sorted dump. The bytes must stay identical
        (a test holds them to ``canonical_json`` for awkward values).
        """
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return (
            f'{{"at":{_text(at)},"client_id":{_maybe(self.client_id)},'
            f'"environment":{_maybe(self.environment)},"method":{_text(self.method)},'
            f'"outcome":{_text(self.outcome)},"principal_kind":{_maybe(self.principal_kind)},'
            f'"records":{_texts(self.records)},"route":{_text(self.route)},'
            f'"seq":{int(seq)!r},"status":{int(self.status)!r},'
            f'"trace_id":{_text(self.trace_id)},"user":{_maybe(self.user)}}}'
        ).encode()


_text = json.encoder.encode_basestring
"""The JSON string of a str, exactly as ``json.dumps(..., ensure_ascii=False)`` writes it."""


def _maybe(value: str | None) -> str:
    return "null" if value is None else str(_text(value))


def _texts(values: Sequence[str]) -> str:
    return "[" + ",".join(_text(v) for v in values) + "]"


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


def record_hash(previous_hash: str, record: AuditRecord, seq: int) -> str:
    """``chain_hash(previous_hash, record.document(seq))``, without the mapping."""
    return hashlib.sha256(previous_hash.encode() + record.canonical(seq)).hexdigest()


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
        if record_hash(previous, entry.record, entry.seq) != entry.hash:
            return state, ChainBreak(entry.seq, "its content does not match its hash")
        previous, next_seq, checked = entry.hash, next_seq + 1, checked + 1
        state = ChainCheck(next_seq, previous, checked)
    return state, None
