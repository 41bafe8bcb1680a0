"""Inbound HL7 v2 against the sandbox over HTTP and a real store (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio

from healthbridge.mappings.hl7v2 import parse_message


def msa(ack: bytes) -> str:
    return parse_message(ack, require_header=False).get("MSA-1")


def with_control_id(raw: bytes, control_id: str) -> bytes:
    fields = raw.split(b"|", 10)
    fields[9] = control_id.encode()
    return b"|".join(fields)


def partners(wired, mrn, *, active_only=True):
    domain = [["ref", "=", mrn]]
    context = {} if active_only else {"active_test": False}
    return wired.orm(
        "res.partner",
        "search_read",
        domain,
        fields=["name", "active", "comment", "street", "city"],
        context=context,
    )


class TestInboundAdt:
    async def test_an_admission_creates_the_patient_and_an_update_changes_the_same_partner(
        self, wired, hl7_file
    ):
        first = await wired.inbound.handle(hl7_file("adt_a01_01.hl7"))
        update = hl7_file("adt_a08_01.hl7").replace(b"EVERYMAN", b"EVERYWOMAN")
        second = await wired.inbound.handle(with_control_id(update, "MSG-A08"))

        assert (msa(first), msa(second)) == ("AA", "AA")
        [partner] = partners(wired, "PATID1234")
        assert partner["name"] == "ADAM A EVERYWOMAN"
        assert partner["city"] == "Ann Arbor"

    async def test_a_repeated_control_id_gets_the_original_ack_and_writes_nothing(
        self, wired, hl7_file
    ):
        raw = hl7_file("adt_a04_02.hl7")
        first = await wired.inbound.handle(raw)
        renamed = raw.replace(b"Doe^Jane", b"Roe^Jane")
        again = await wired.inbound.handle(renamed)

        assert again == first
        [partner] = partners(wired, "MRN12345")
        assert partner["name"] == "Jane Doe"
        assert len(await wired.messages.latest()) == 1

    async def test_two_copies_arriving_at_once_write_one_partner_and_the_second_is_told(
        self, wired, hl7_file
    ):
        raw = hl7_file("adt_a04_02.hl7")
        acks = await asyncio.gather(wired.inbound.handle(raw), wired.inbound.handle(raw))

        codes = sorted(msa(ack) for ack in acks)
        # The second copy either waited for the stored ACK (AA) or was refused as a
        # duplicate still in flight (AE 205); either way only one was applied.
        assert codes[0] == "AA"
        assert codes[1] in ("AA", "AE")
        if codes[1] == "AE":
            assert any(b"205" in ack for ack in acks)
        assert len(partners(wired, "MRN12345")) == 1
        assert len(await wired.messages.latest()) == 1

    async def test_a_merge_keeps_the_survivor_archives_the_prior_and_moves_its_invoices(
        self, wired, hl7_file
    ):
        prior = hl7_file("adt_a04_02.hl7").replace(b"MRN12345", b"56789")
        assert msa(await wired.inbound.handle(prior)) == "AA"
        [prior_partner] = partners(wired, "56789")
        move = wired.orm(
            "account.move",
            "create",
            [{"move_type": "out_invoice", "partner_id": prior_partner["id"]}],
        )

        ack = await wired.inbound.handle(hl7_file("adt_a40_01.hl7"))

        assert msa(ack) == "AA"
        [survivor] = partners(wired, "12345")
        assert "56789" in survivor["comment"]
        [archived] = partners(wired, "56789", active_only=False)
        assert archived["active"] is False
        [moved] = wired.orm("account.move", "read", move, fields=["partner_id"])
        assert moved["partner_id"][0] == survivor["id"]

    async def test_a_merge_naming_an_unknown_prior_patient_is_answered_ae_at_mrg_1(
        self, wired, hl7_file
    ):
        ack = await wired.inbound.handle(hl7_file("adt_a40_01.hl7"))

        parsed = parse_message(ack, require_header=False)
        assert parsed.get("MSA-1") == "AE"
        assert parsed.get("ERR-2") == "MRG"
        assert parsed.get("ERR-3") == "204"
        assert partners(wired, "12345") == []


class TestInboundDftAndMfn:
    async def test_charges_go_to_one_draft_invoice_and_a_repeat_adds_no_lines(
        self, wired, hl7_file
    ):
        raw = hl7_file("dft_p03_01.hl7")
        assert msa(await wired.inbound.handle(raw)) == "AA"
        assert msa(await wired.inbound.handle(with_control_id(raw, "MSG-SECOND"))) == "AA"
        [stored] = [m for m in await wired.messages.latest() if m.control_id == "MSG00001"]
        assert msa(await wired.inbound.reprocess(stored.id)) == "AA"

        [partner] = partners(wired, "PATID1234")
        moves = wired.orm(
            "account.move",
            "search_read",
            [["partner_id", "=", partner["id"]]],
            fields=["state", "move_type", "invoice_line_ids", "amount_total"],
        )
        assert len(moves) == 1
        assert (moves[0]["state"], moves[0]["move_type"]) == ("draft", "out_invoice")
        assert len(moves[0]["invoice_line_ids"]) == 4
        assert moves[0]["amount_total"] == 440.0

    async def test_a_staff_master_file_update_creates_the_employee_once(self, wired, hl7_file):
        raw = hl7_file("mfn_m02_01.hl7")
        assert msa(await wired.inbound.handle(raw)) == "AA"
        assert msa(await wired.inbound.handle(with_control_id(raw, "9"))) == "AA"

        found = wired.orm(
            "hr.employee", "search_read", [["barcode", "=", "15101"]], fields=["name", "active"]
        )
        assert [(e["name"], e["active"]) for e in found] == [("ETIENNE DU JARDIN", True)]

    async def test_no_diagnosis_observation_or_note_reaches_any_odoo_record(self, wired, hl7_file):
        for name in ("dft_p03_01.hl7", "adt_a01_pyhl7_v23.hl7", "adt_a01_v23.hl7"):
            assert msa(await wired.inbound.handle(hl7_file(name))) == "AA"

        clinical = (
            "Chest pain",
            "Nasal congestion",
            "ATHEROSCLEROSIS",
            "OSTEOARTHROS",
            "Physician Notes",
            "29857009",
        )
        records = [
            *wired.orm(
                "res.partner", "search_read", [], fields=["name", "comment", "ref", "street"]
            ),
            *wired.orm("account.move.line", "search_read", [], fields=["name"]),
            *wired.orm("account.move", "search_read", [], fields=["ref", "narration"]),
        ]
        text = repr(records)
        assert [term for term in clinical if term in text] == []


class TestInboundFailures:
    async def test_an_odoo_fault_answers_ae_keeps_the_message_and_reprocess_completes_it(
        self, wired, hl7_file
    ):
        wired.sandbox.faults.fail("server_error", model="res.partner", count=1)
        ack = await wired.inbound.handle(hl7_file("adt_a28_01.hl7"))

        parsed = parse_message(ack, require_header=False)
        assert parsed.get("MSA-1") == "AE"
        assert parsed.get("ERR-3") == "207"
        [stored] = await wired.messages.latest()
        assert (stored.status, stored.raw) == ("error", hl7_file("adt_a28_01.hl7"))
        assert partners(wired, "PATID1234") == []

        assert msa(await wired.inbound.reprocess(stored.id)) == "AA"
        assert msa(await wired.inbound.reprocess(stored.id)) == "AA"

        assert len(partners(wired, "PATID1234")) == 1
        original = await wired.messages.get(stored.id)
        assert (original.status, original.attempts) == ("accepted", 3)
        attempts = [m for m in await wired.messages.latest() if m.reprocessed_from == stored.id]
        assert len(attempts) == 2
        assert msa(await wired.inbound.handle(hl7_file("adt_a28_01.hl7"))) == "AA"

    async def test_malformed_and_unsupported_messages_are_rejected_and_kept(self, wired, hl7_file):
        malformed = await wired.inbound.handle(hl7_file("malformed_msh9_missing.hl7"))
        unsupported = await wired.inbound.handle(hl7_file("oru_r01_01.hl7"))

        assert (msa(malformed), msa(unsupported)) == ("AR", "AR")
        statuses = sorted(m.status for m in await wired.messages.latest())
        assert statuses == ["rejected", "rejected"]
