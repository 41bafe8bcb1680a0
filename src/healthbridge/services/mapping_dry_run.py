"""Dry run of a mapping version: replay recorded inbound traffic through current and candidate.

Before a new mapping version ships, an operator wants to know what it would change on
the traffic the hub really receives. This use case reads recorded inputs (raw HL7
messages kept by the message log; for Odoo, the current rows of the records named in
recorded change records), runs each through both versions and reports, per input,
identical / differing (field by field) / failing with the error code. It only reads:
the Protocols below have no write method, so nothing can be written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.dry_run import FieldDifference, compare_outputs
from healthbridge.mappings.hl7v2 import parse_message
from healthbridge.mappings.odoo import FIELDS, OdooRelated
from healthbridge.mappings.registry import (
    ODOO_LINES,
    PARTNER_TAGS,
    MappingRegistry,
    MappingVersion,
    OdooRecord,
)

UNEXPECTED = "mapping.unexpected_error"
"""Error code reported for an exception that is not a HealthbridgeError."""


class RecordedMessage(Protocol):
    """What a dry run reads of one stored HL7 message."""

    @property
    def id(self) -> int: ...

    @property
    def raw(self) -> bytes: ...

    @property
    def message_type(self) -> str | None: ...

    @property
    def trigger_event(self) -> str | None: ...


class RecordedMessages(Protocol):
    """Read access to the HL7 message log (``MessageLog`` implements it)."""

    async def latest(self, limit: int = 50) -> Sequence[RecordedMessage]:
        """The ``limit`` most recent messages, newest first."""
        ...


class RecordedChange(Protocol):
    """What a dry run reads of one recorded Odoo change."""

    @property
    def model(self) -> str: ...

    @property
    def record_id(self) -> int: ...


class RecordedChanges(Protocol):
    """Read access to the change log (``ChangeLog`` implements it)."""

    async def latest(
        self, limit: int = 50, *, model: str | None = None
    ) -> Sequence[RecordedChange]:
        """The ``limit`` most recently recorded changes of ``model``, newest first."""
        ...


class OdooRows(Protocol):
    """Read access to Odoo records (``OdooPort`` implements it)."""

    async def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """The records with these ids; missing ids are left out."""
        ...


class DryRunUnsupportedError(HealthbridgeError):
    """The mapping reads inputs the hub does not record (FHIR resources, for now)."""

    code = "mapping.dry_run_unsupported"


Outcome = Literal["identical", "different", "failed"]


@dataclass(frozen=True, slots=True)
class ReplayedInput:
    """One input replayed through both versions; error codes are set where a version failed."""

    source: str
    outcome: Outcome
    differences: tuple[FieldDifference, ...] = ()
    current_error: str | None = None
    candidate_error: str | None = None


@dataclass(frozen=True, slots=True)
class DryRunReport:
    """What a candidate version would change on recorded traffic; values stay inside."""

    name: str
    current_version: str
    candidate_version: str
    inputs: tuple[ReplayedInput, ...] = field(default_factory=tuple)

    @property
    def replayed(self) -> int:
        """How many inputs were replayed."""
        return len(self.inputs)

    def _count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.inputs if item.outcome == outcome)

    @property
    def identical(self) -> int:
        """Inputs both versions mapped to the same output."""
        return self._count("identical")

    @property
    def different(self) -> tuple[ReplayedInput, ...]:
        """Inputs whose outputs differ, with their field differences."""
        return tuple(item for item in self.inputs if item.outcome == "different")

    @property
    def failed(self) -> tuple[ReplayedInput, ...]:
        """Inputs that failed in either version."""
        return tuple(item for item in self.inputs if item.outcome == "failed")


def replay(
    current: MappingVersion, candidate: MappingVersion, source: str, value: Any
) -> ReplayedInput:
    """Runs ``value`` through both versions and compares; a failure is kept, never raised."""
    old, old_error = _run(current, value)
    new, new_error = _run(candidate, value)
    if old_error or new_error:
        return ReplayedInput(source, "failed", (), old_error, new_error)
    differences = tuple(compare_outputs(old, new))
    return ReplayedInput(source, "different" if differences else "identical", differences)


def _run(mapping: MappingVersion, value: Any) -> tuple[object, str | None]:
    try:
        return mapping.function(value), None
    except HealthbridgeError as exc:
        return None, exc.code
    except Exception:
        # A candidate's bug is a finding of the dry run, not a reason to stop it.
        return None, UNEXPECTED


async def dry_run(
    registry: MappingRegistry,
    name: str,
    candidate_version: str,
    *,
    messages: RecordedMessages | None = None,
    changes: RecordedChanges | None = None,
    odoo: OdooRows | None = None,
    limit: int = 100,
) -> DryRunReport:
    """Replays up to ``limit`` recorded inputs of mapping ``name`` through both versions.

    HL7 v2 mappings read the stored messages of the types they accept; Odoo mappings
    read the current rows of the records in recorded changes of their model. Nothing is
    written anywhere.
    """
    current = registry.current(name)
    candidate = registry.get(name, candidate_version)
    if current.source_kind == "hl7v2":
        if messages is None:
            raise ValueError("an HL7 v2 dry run needs the message log")
        inputs = await _hl7_inputs(current, candidate, messages, limit)
    elif current.source_kind == "odoo":
        if changes is None or odoo is None:
            raise ValueError("an Odoo dry run needs the change log and Odoo")
        inputs = await _odoo_inputs(current, candidate, changes, odoo, limit)
    else:
        raise DryRunUnsupportedError(f"mapping {name!r} has no recorded inbound traffic to replay")
    return DryRunReport(name, current.version, candidate.version, tuple(inputs))


async def _hl7_inputs(
    current: MappingVersion, candidate: MappingVersion, messages: RecordedMessages, limit: int
) -> list[ReplayedInput]:
    replayed: list[ReplayedInput] = []
    # Read a wider window: other message types are skipped, not counted.
    for stored in await messages.latest(limit * 10):
        kind = f"{stored.message_type}^{stored.trigger_event}"
        if kind not in current.sources:
            continue
        source = f"hl7 message {stored.id} ({kind})"
        # Read outside the try: a message that does not open (wrong or missing key) stops
        # the dry run with the key error rather than passing for a mapping failure.
        raw = stored.raw
        try:
            message = parse_message(raw)
        except HealthbridgeError as exc:
            replayed.append(ReplayedInput(source, "failed", (), exc.code, exc.code))
        else:
            replayed.append(replay(current, candidate, source, message))
        if len(replayed) >= limit:
            break
    return replayed


async def _odoo_inputs(
    current: MappingVersion,
    candidate: MappingVersion,
    changes: RecordedChanges,
    odoo: OdooRows,
    limit: int,
) -> list[ReplayedInput]:
    replayed: list[ReplayedInput] = []
    for model in current.sources:
        ids: list[int] = []
        for change in await changes.latest(limit * 10, model=model):
            if change.record_id not in ids:
                ids.append(change.record_id)
        ids = ids[: limit - len(replayed)]
        if not ids:
            continue
        for record in await read_records(odoo, model, ids):
            source = f"{model} {record.row['id']}"
            replayed.append(replay(current, candidate, source, record))
    return replayed


async def read_records(odoo: OdooRows, model: str, ids: Sequence[int]) -> list[OdooRecord]:
    """The rows of ``ids`` with the lines and tag names their mapper needs, in ``ids`` order."""
    lines_field, line_model = ODOO_LINES.get(model, ("", ""))
    fields = (*FIELDS[model], lines_field) if lines_field else FIELDS[model]
    rows = {row["id"]: row for row in await odoo.read(model, ids, fields)}
    lines: list[dict[str, Any]] = []
    if lines_field:
        line_ids = [i for row in rows.values() for i in row.get(lines_field) or ()]
        lines = await odoo.read(line_model, line_ids, FIELDS[line_model]) if line_ids else []
    tags: dict[int, str] = {}
    tag_field, tag_model = PARTNER_TAGS
    if model == "res.partner":
        tag_ids = sorted({i for row in rows.values() for i in row.get(tag_field) or ()})
        if tag_ids:
            found = await odoo.read(tag_model, tag_ids, FIELDS[tag_model])
            tags = {tag["id"]: tag["name"] for tag in found}
    related = OdooRelated(partner_tags=tags, lines=lines)
    return [
        OdooRecord({k: v for k, v in rows[i].items() if k != lines_field}, related)
        for i in ids
        if i in rows
    ]
