"""Small synthetic HL7 v2 messages, written here: the golden inputs of the hl7v2.* mappings."""

from __future__ import annotations


def message(*segments: str) -> str:
    """Segments joined with the HL7 segment terminator."""
    return "\r".join(segments)


def header(kind: str, control_id: str, sender: str = "EHR") -> str:
    """An MSH from ``sender`` at facility RIVENDELL, v2.5.1."""
    return f"MSH|^~\\&|{sender}|RIVENDELL|HUB|ODOO|20250102093000||{kind}|{control_id}|P|2.5.1"


ADMISSION = message(
    header("ADT^A01^ADT_A01", "MSG-0001"),
    "EVN|A01|20250102093000",
    "PID|1||MRN-0001^^^RIVENDELL^MR~BSN-77^^^&2.16.840.1.113883.2.4.6.3&ISO^NNNLD"
    "||Took^Peregrin^Fool^^Mr^^L||19900314|M|||"
    "Great Smials 1^Tuckborough^Hobbiton^SH^1234 AB^NL||"
    "+31 6 000 0000^PRN^CP~^NET^Internet^pippin@example.org|+31 20 555 0101^WPN^PH",
    "PV1|1|I|W3^301^1",
)
REGISTRATION_V23 = message(
    header("ADT^A04^ADT_A01", "MSG-0005").replace("2.5.1", "2.3"),
    'PID|1|EXT-42||""|Cotton^Rosie||19921101|F',
)
UPDATE_WITHOUT_NAME = message(
    header("ADT^A08^ADT_A01", "MSG-0006"),
    "PID|1||MRN-0002^^^RIVENDELL^MR||",
)
MERGE = message(
    header("ADT^A40^ADT_A39", "MSG-0002"),
    "EVN|A40|20250102093000",
    "PID|1||MRN-0001^^^RIVENDELL^MR||Took^Peregrin",
    "MRG|MRN-0009^^^RIVENDELL^MR",
)
STAFF = message(
    header("MFN^M02^MFN_M02", "MSG-0003", sender="HR"),
    "MFI|PRA^Practitioner master file^HL70175||UPD|||AL",
    "MFE|MAD|||E-100",
    "STF|E-100|E-100~NPI-1^^^NPI|Elrond^Half^^^Dr.||M|19610102|A|||+31 20 555 0102^WPN^PH|"
    "Last Homely House^^Rivendell^^9999 ZZ^NL||||elrond@example.org",
    "PRA|E-100||||||BIG-123^BIG",
    "MFE|MDL|||E-101",
    "STF|E-101||Arwen^Undomiel||F||N",
    "PRA|E-101",
)
CHARGES = message(
    header("DFT^P03^DFT_P03", "MSG-0004"),
    "EVN|P03|20250102093000",
    "PID|1||MRN-0001^^^RIVENDELL^MR||Took^Peregrin",
    "FT1|1|||20250102||CG|A-1^Visit^urn:example:tariff||1|2|80.00&EUR",
    "FT1|2|||20250102||CD|A-2^Refund^urn:example:tariff||1||10.00&EUR",
    "DG1|1||I10^Hypertension^I10",
)
CHARGE_WITHOUT_AMOUNT = message(
    header("DFT^P03^DFT_P03", "MSG-0007"),
    "PID|1||MRN-0001^^^RIVENDELL^MR||Took^Peregrin",
    "FT1|1|||20250102||CG|A-1^Visit^urn:example:tariff||1",
)

HL7_CASES: dict[str, list[tuple[str, str]]] = {
    "hl7v2.charges": [
        ("a charge and a credit, diagnosis ignored", CHARGES),
        ("a charge without an amount is refused", CHARGE_WITHOUT_AMOUNT),
    ],
    "hl7v2.merge": [("prior MRN merged into the survivor", MERGE)],
    "hl7v2.patient": [
        ("every administrative PID field", ADMISSION),
        ("v2.3 sender with the MRN in PID-2", REGISTRATION_V23),
        ("a PID without a name is refused", UPDATE_WITHOUT_NAME),
    ],
    "hl7v2.staff": [("one upsert with licence, one deactivation", STAFF)],
}
"""HL7 v2 mapping name -> (case name, raw message) of its golden examples."""
