"""The audit hash chain: canonical bytes, links, and where a break is reported."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from healthbridge.security.audit_chain import (
    GENESIS_HASH,
    AuditRecord,
    ChainCheck,
    ChainedEntry,
    canonical_json,
    chain_hash,
    check_entries,
    outcome_of,
)

AT = datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)


def record(status: int = 200, **fields) -> AuditRecord:
    return AuditRecord(
        at=AT,
        method="GET",
        route="/api/v1/x",
        status=status,
        outcome="ok",
        trace_id="t" * 32,
        **fields,
    )


def chain(records: list[AuditRecord]) -> list[ChainedEntry]:
    entries, previous = [], GENESIS_HASH
    for seq, item in enumerate(records, start=1):
        digest = chain_hash(previous, item.document(seq))
        entries.append(ChainedEntry(seq, item, previous, digest))
        previous = digest
    return entries


def test_the_canonical_form_is_sorted_compact_and_in_utc():
    local = AT.astimezone(timezone(timedelta(hours=5)))

    document = replace(record(), at=local).document(7)

    assert canonical_json(document).startswith(
        b'{"at":"2026-11-24T12:00:00.123456Z","client_id":null'
    )
    assert canonical_json(document) == canonical_json(record().document(7))


def test_an_intact_chain_checks_out_across_pages():
    entries = chain([record(status=s) for s in (200, 201, 404, 500)])

    state, broken = check_entries(entries[:2], ChainCheck())
    state, broken_later = check_entries(entries[2:], state)

    assert (broken, broken_later, state.checked, state.next_seq) == (None, None, 4, 5)


def test_an_edited_entry_is_named():
    entries = chain([record(), record(), record()])
    entries[1] = replace(entries[1], record=replace(entries[1].record, status=403))

    _, broken = check_entries(entries, ChainCheck())

    assert broken is not None
    assert broken.seq == 2


def test_a_removed_entry_is_named_by_the_missing_number():
    entries = chain([record(), record(), record()])

    _, broken = check_entries([entries[0], entries[2]], ChainCheck())

    assert broken is not None
    assert (broken.seq, broken.reason) == (2, "entry 2 is missing")


def test_outcomes_classify_statuses():
    assert [outcome_of(s) for s in (200, 401, 403, 404, 503)] == [
        "ok",
        "denied",
        "denied",
        "refused",
        "error",
    ]


def test_the_direct_canonical_bytes_equal_the_generic_sorted_dump():
    awkward = [
        record(),
        record(client_id="hbc_1", principal_kind="user", user="dr. O'Brien", environment="prod"),
        record(records=("res.partner:7", "Patient/ä-ß", 'quote"back\\slash'), user="tab\there"),
        replace(record(status=503), route="/fhir/R4/Patient/{id}", trace_id="\u2028\x00\x1f"),
        replace(record(), at=AT.astimezone(timezone(timedelta(hours=-9, minutes=-30)))),
    ]

    for seq, item in enumerate(awkward, start=1):
        assert item.canonical(seq) == canonical_json(item.document(seq))
