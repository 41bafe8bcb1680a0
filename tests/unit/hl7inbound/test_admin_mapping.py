"""Every ADT, DFT and MFN sample maps to canonical objects or is refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthbridge.mappings.hl7v2 import Hl7Error, Hl7UnsupportedMessageError, parse_message
from healthbridge.mappings.hl7v2.admin import (
    Hl7MappingError,
    charges_from_dft,
    medical_record_number,
    patient_from_pid,
    patient_merge,
    staff_updates,
)
from healthbridge.services.hl7_inbound import check_supported

AUTHORITY = "urn:healthbridge:hl7v2:authority:"

# file -> (outcome, MRN or key, system or reason)
EXPECTED = {
    "adt_a01_01.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a01_02.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a01_03.hl7": ("patient", "PATID1234", AUTHORITY + "ADT1"),
    "adt_a01_pyhl7_v23.hl7": ("patient", "2148790", AUTHORITY + "MSH_MRN"),
    "adt_a01_v23.hl7": ("patient", "10006579", AUTHORITY + "1"),
    "adt_a04_01.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a04_02.hl7": ("patient", "MRN12345", AUTHORITY + "RDX"),
    "adt_a04_v23.hl7": ("patient", "123456789", AUTHORITY + "NINTENDO"),
    "adt_a08_01.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a08_02.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a28_01.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a28_02.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a31_01.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a31_02.hl7": ("patient", "PATID1234", AUTHORITY + "test1"),
    "adt_a40_01.hl7": ("merge", "12345", "56789"),
    "dft_p03_01.hl7": ("charges", "PATID1234", "71045:2:100 USD|626.2:1:120 USD"),
    "mfn_m02_01.hl7": ("staff", "15101", "DU JARDIN"),
    "adt_a02_01.hl7": ("unsupported", "MSH-9", "event"),
    "adt_a03_01.hl7": ("unsupported", "MSH-9", "event"),
    "adt_a03_02.hl7": ("unsupported", "MSH-9", "event"),
    "adt_a05_01.hl7": ("unsupported", "MSH-9", "event"),
    "adt_a11_01.hl7": ("unsupported", "MSH-9", "event"),
    "adt_a47_01.hl7": ("unsupported", "MSH-9", "event"),
    "dft_p11_01.hl7": ("unsupported", "MSH-9", "event"),
    "edge_adt_o01_crlf_blank_lines.hl7": ("unsupported", "MSH-9", "event"),
}


def _samples() -> list[str]:
    return sorted(EXPECTED)


@pytest.mark.parametrize("name", _samples())
def test_each_administrative_sample_maps_or_is_refused_with_its_reason(name, shared_data: Path):
    message = parse_message((shared_data / "hl7v2" / name).read_bytes())
    outcome, key, detail = EXPECTED[name]
    if outcome == "unsupported":
        with pytest.raises(Hl7UnsupportedMessageError) as refused:
            check_supported(message)
        assert str(refused.value.location).startswith(key)
        assert detail in refused.value.safe_message
        return
    check_supported(message)
    if outcome == "patient":
        patient = patient_from_pid(message)
        mrn = medical_record_number(list(patient.identifiers))
        assert (mrn.value, mrn.system) == (key, detail)
        assert patient.names
    elif outcome == "merge":
        merge = patient_merge(message)
        assert (merge.survivor.identifiers[0].value, merge.prior.value) == (key, detail)
    elif outcome == "charges":
        mrn = medical_record_number(list(patient_from_pid(message).identifiers))
        assert mrn.value == key
        charges = charges_from_dft(message, mrn)
        described = "|".join(
            f"{c.code.codings[0].code}:{c.quantity.value}:{c.price_override.amount} "
            f"{c.price_override.currency}"
            for c in charges
        )
        assert described == detail
    else:
        [update] = staff_updates(message)
        assert (update.key, update.practitioner.names[0].family) == (key, detail)


def test_every_administrative_sample_in_the_shared_data_is_in_the_table(shared_data: Path):
    names = {
        p.name
        for p in (shared_data / "hl7v2").glob("*.hl7")
        if p.name.split("_")[0] in {"adt", "dft", "mfn"} or p.name.startswith("edge_adt")
    }
    assert names == set(EXPECTED)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("malformed_msh9_missing.hl7", "MSH-9"),
        ("malformed_truncated_msh_short.hl7", "MSH-9"),
        ("malformed_msh2_empty_encoding_chars.hl7", "MSH-2"),
    ],
)
def test_malformed_headers_are_refused_naming_the_field(name, reason, shared_data: Path):
    with pytest.raises(Hl7Error) as refused:
        parse_message((shared_data / "hl7v2" / name).read_bytes())
    assert reason in refused.value.safe_message


ADT = "MSH|^~\\&|A|F|B|G|20240101||ADT^A04|C1|P|2.5\r"


@pytest.mark.parametrize(
    ("pid", "where", "condition"),
    [
        ("PID|1||||Doe^Jane\r", "PID-3", 101),
        ("PID|1||M1^^^H^MR||\r", "PID-5", 101),
        ("PID|1||M1^^^H^MR||Doe^Jane||19781301\r", "PID-7", 102),
        ("", "PID", 100),
    ],
)
def test_a_patient_without_what_odoo_needs_is_refused_at_the_field(pid, where, condition):
    message = parse_message(ADT + pid)
    with pytest.raises(Hl7MappingError) as refused:
        patient_from_pid(message)
    assert str(refused.value.location).startswith(where)
    assert int(refused.value.condition) == condition
    assert refused.value.code == "hl7.mapping"


def test_a_charge_without_a_currency_or_of_a_payment_type_is_refused():
    base = "MSH|^~\\&|A|F|B|G|20240101||DFT^P03|C1|P|2.5\rPID|1||M1^^^H^MR||Doe^Jane\r"
    mrn = medical_record_number(list(patient_from_pid(parse_message(base)).identifiers))
    for ft1, where in (
        ("FT1|1|||20240101||CG|X1|||1|100\r", "FT1-11"),
        ("FT1|1|||20240101||PY|X1|||1|100&USD\r", "FT1-6"),
        ("FT1|1|||20240101||CG||||1|100&USD\r", "FT1-7"),
    ):
        with pytest.raises(Hl7MappingError) as refused:
            charges_from_dft(parse_message(base + ft1), mrn)
        assert str(refused.value.location).startswith(where)


def test_charges_never_carry_the_diagnosis_of_ft1_19(shared_data: Path):
    message = parse_message((shared_data / "hl7v2" / "dft_p03_01.hl7").read_bytes())
    mrn = medical_record_number(list(patient_from_pid(message).identifiers))
    dumped = repr([c.model_dump() for c in charges_from_dft(message, mrn)])
    assert "Chest pain" not in dumped
    assert "29857009" not in dumped
