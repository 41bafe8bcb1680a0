"""End to end: a sender over real MLLP gets the service's ACK and Odoo holds the patient."""

from __future__ import annotations

from healthbridge.connectors.hl7v2 import MllpListener, MllpListenerConfig, MllpSender
from healthbridge.mappings.hl7v2 import parse_message


async def test_an_admission_sent_over_mllp_is_acknowledged_and_applied(wired, hl7_file):
    config = MllpListenerConfig(port=0)
    async with MllpListener(wired.inbound.handle, config) as listener:
        host, port = listener.address
        async with MllpSender(host, port, timeout_seconds=10) as sender:
            ack = await sender.send(hl7_file("adt_a04_v23.hl7"))
            rejected = await sender.send(hl7_file("siu_s12_01.hl7"))

    assert parse_message(ack, require_header=False).get("MSA-1") == "AA"
    assert parse_message(rejected, require_header=False).get("MSA-1") == "AR"
    found = wired.orm("res.partner", "search_read", [["ref", "=", "123456789"]], fields=["name"])
    assert [p["name"] for p in found] == ["MARIO BROS"]
