"""Codes of the FHIR R4 required bindings fhir.resources does not check, from the spec."""

from __future__ import annotations

GENDER = {"male", "female", "other", "unknown"}

BY_TYPE: dict[str, dict[str, set[str]]] = {
    "Patient": {"gender": GENDER},
    "Practitioner": {"gender": GENDER},
    "Location": {"status": {"active", "suspended", "inactive"}, "mode": {"instance", "kind"}},
    "Device": {
        "status": {"active", "inactive", "entered-in-error", "unknown"},
        "deviceName[].type": {
            "udi-label-name",
            "user-friendly-name",
            "patient-reported-name",
            "manufacturer-name",
            "model-name",
            "other",
        },
        "udiCarrier[].entryType": {
            "barcode",
            "rfid",
            "manual",
            "card",
            "self-reported",
            "unknown",
        },
    },
    "SupplyRequest": {
        "status": {
            "draft",
            "active",
            "suspended",
            "cancelled",
            "completed",
            "entered-in-error",
            "unknown",
        },
        "priority": {"routine", "urgent", "asap", "stat"},
    },
    "SupplyDelivery": {"status": {"in-progress", "completed", "abandoned", "entered-in-error"}},
    "Invoice": {
        "status": {"draft", "issued", "balanced", "cancelled", "entered-in-error"},
        "lineItem[].priceComponent[].type": {
            "base",
            "surcharge",
            "deduction",
            "discount",
            "tax",
            "informational",
        },
        "totalPriceComponent[].type": {
            "base",
            "surcharge",
            "deduction",
            "discount",
            "tax",
            "informational",
        },
    },
    "ChargeItem": {
        "status": {
            "planned",
            "billable",
            "not-billable",
            "aborted",
            "billed",
            "entered-in-error",
            "unknown",
        }
    },
    "Coverage": {"status": {"active", "cancelled", "draft", "entered-in-error"}},
    "PaymentReconciliation": {
        "status": {"active", "cancelled", "draft", "entered-in-error"},
        "outcome": {"queued", "complete", "error", "partial"},
        "processNote[].type": {"display", "print", "printoper"},
    },
}

BY_SUFFIX: dict[str, set[str]] = {
    "identifier.use": {"usual", "official", "temp", "secondary", "old"},
    "name.use": {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
    "telecom.system": {"phone", "fax", "email", "pager", "url", "sms", "other"},
    "telecom.use": {"home", "work", "temp", "old", "mobile"},
    "address.use": {"home", "work", "temp", "old", "billing"},
    "address.type": {"postal", "physical", "both"},
}


def code_violations(resource_type: str, leaves: dict[str, str]) -> list[str]:
    """Normalized paths whose code is outside its required value set."""
    wrong = []
    for path, value in leaves.items():
        allowed = BY_TYPE.get(resource_type, {}).get(path)
        if allowed is None:
            plain = path.replace("[]", "")
            allowed = next(
                (codes for suffix, codes in BY_SUFFIX.items() if plain.endswith(suffix)), None
            )
        if allowed is not None and value not in allowed:
            wrong.append(path)
    return wrong
