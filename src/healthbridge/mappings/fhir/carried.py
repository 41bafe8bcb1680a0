"""What canonical carries from each FHIR resource type: the counterpart of ``loss.py``.

Every R4 element of a mapped type is either here or in ``FHIR_LOSS`` (a test checks it
against fhir.resources), so no element is dropped without a stated reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

CARRIED_ELEMENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "Organization": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "active",
                "type",
                "name",
                "alias",
                "telecom",
                "address",
                "partOf",
                "contact",
            ]
        ),
        "Patient": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "active",
                "name",
                "telecom",
                "gender",
                "birthDate",
                "deceasedBoolean",
                "deceasedDateTime",
                "address",
                "maritalStatus",
                "managingOrganization",
                "generalPractitioner",
            ]
        ),
        "Practitioner": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "active",
                "name",
                "telecom",
                "address",
                "gender",
                "birthDate",
            ]
        ),
        "Location": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "status",
                "operationalStatus",
                "name",
                "alias",
                "description",
                "mode",
                "type",
                "telecom",
                "address",
                "physicalType",
                "position",
                "managingOrganization",
                "partOf",
            ]
        ),
        "Device": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "udiCarrier",
                "status",
                "distinctIdentifier",
                "manufacturer",
                "manufactureDate",
                "expirationDate",
                "lotNumber",
                "serialNumber",
                "deviceName",
                "modelNumber",
                "partNumber",
                "type",
            ]
        ),
        "SupplyRequest": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "status",
                "category",
                "priority",
                "itemCodeableConcept",
                "itemReference",
                "quantity",
                "occurrenceDateTime",
                "occurrencePeriod",
                "authoredOn",
                "requester",
                "supplier",
                "deliverFrom",
                "deliverTo",
            ]
        ),
        "SupplyDelivery": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "basedOn",
                "partOf",
                "status",
                "type",
                "suppliedItem",
                "occurrenceDateTime",
                "occurrencePeriod",
                "supplier",
                "destination",
                "receiver",
            ]
        ),
        "Invoice": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "status",
                "cancelledReason",
                "type",
                "subject",
                "recipient",
                "date",
                "participant",
                "issuer",
                "account",
                "lineItem",
                "totalPriceComponent",
                "totalNet",
                "totalGross",
                "paymentTerms",
            ]
        ),
        "ChargeItem": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "definitionUri",
                "definitionCanonical",
                "status",
                "partOf",
                "code",
                "subject",
                "context",
                "occurrenceDateTime",
                "occurrencePeriod",
                "performer",
                "performingOrganization",
                "requestingOrganization",
                "costCenter",
                "quantity",
                "factorOverride",
                "priceOverride",
                "overrideReason",
                "enterer",
                "enteredDate",
                "account",
                "productReference",
                "productCodeableConcept",
            ]
        ),
        "Coverage": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "status",
                "type",
                "policyHolder",
                "subscriber",
                "subscriberId",
                "beneficiary",
                "dependent",
                "relationship",
                "period",
                "payor",
                "class",
                "order",
                "network",
                "costToBeneficiary",
                "subrogation",
                "contract",
            ]
        ),
        "PaymentReconciliation": frozenset(
            [
                "resourceType",
                "id",
                "identifier",
                "status",
                "period",
                "created",
                "paymentIssuer",
                "request",
                "requestor",
                "outcome",
                "disposition",
                "paymentDate",
                "paymentAmount",
                "paymentIdentifier",
                "detail",
                "formCode",
                "processNote",
            ]
        ),
    }
)
"""Per resource type: the top-level elements canonical carries (and writes back)."""
