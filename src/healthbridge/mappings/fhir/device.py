"""FHIR Device <-> canonical Product (a supply, with its UDI and, for one unit, its lot).

A Device describes a physical item: its lot number, serial number, manufacture and
expiry dates become the product's ``lot``. The patient a device is implanted in, its
owner, location, notes and safety flags are not carried: they are about the patient or
the unit in use, not the product Odoo buys and stocks. A service product has no Device
form.
"""

from __future__ import annotations

from typing import Any

from healthbridge.canonical.product import Lot, Product, ProductName, UdiCarrier
from healthbridge.mappings.fhir.building import build
from healthbridge.mappings.fhir.datatypes import (
    concept_json,
    put,
    put_all,
    read_concept,
    read_many,
    read_one,
)
from healthbridge.mappings.fhir.errors import MappingError
from healthbridge.mappings.fhir.primitives import (
    as_object,
    code,
    day_or_instant,
    required_text,
    temporal_json,
    text,
)
from healthbridge.mappings.fhir.resource import open_resource, read_identifiers, start_resource

STATUSES = frozenset({"active", "inactive", "entered-in-error", "unknown"})
NAME_TYPES = frozenset(
    {
        "udi-label-name",
        "user-friendly-name",
        "patient-reported-name",
        "manufacturer-name",
        "model-name",
        "other",
    }
)
ENTRY_TYPES = frozenset({"barcode", "rfid", "manual", "card", "self-reported", "unknown"})


def fhir_to_product(resource: Any) -> Product:
    """Canonical Product (kind ``supply``) from a FHIR R4 Device; MappingError if not one."""
    path = "Device"
    obj = open_resource(resource, path)
    lot_number = text(obj, "lotNumber", path)
    serial_number = text(obj, "serialNumber", path)
    expiry = day_or_instant(obj, "expirationDate", path)
    manufactured = day_or_instant(obj, "manufactureDate", path)
    lot = None
    if any(value is not None for value in (lot_number, serial_number, expiry, manufactured)):
        lot = build(
            Lot,
            path,
            lot_number=lot_number,
            serial_number=serial_number,
            expiry=expiry,
            manufactured=manufactured,
        )
    return build(
        Product,
        path,
        identifiers=read_identifiers(obj, path),
        kind="supply",
        status=code(obj, "status", path, STATUSES),
        names=read_many(obj, "deviceName", path, _read_name),
        code=read_one(obj, "type", path, read_concept),
        udi_carriers=read_many(obj, "udiCarrier", path, _read_udi_carrier),
        distinct_identifier=text(obj, "distinctIdentifier", path),
        manufacturer=text(obj, "manufacturer", path),
        model_number=text(obj, "modelNumber", path),
        part_number=text(obj, "partNumber", path),
        lot=lot,
    )


def product_to_fhir(product: Product) -> dict[str, Any]:
    """FHIR R4 Device JSON for a canonical supply Product (``uom`` and price have no place)."""
    if product.kind != "supply":
        raise MappingError("Device", "only a supply has a Device form, not a service")
    out = start_resource("Device", product.identifiers)
    if product.udi_carriers:
        put_all(out, "udiCarrier", [_udi_carrier_json(carrier) for carrier in product.udi_carriers])
    if product.status is not None:
        out["status"] = product.status
    if product.distinct_identifier is not None:
        out["distinctIdentifier"] = product.distinct_identifier
    if product.manufacturer is not None:
        out["manufacturer"] = product.manufacturer
    lot = product.lot
    if lot is not None:
        if lot.manufactured is not None:
            out["manufactureDate"] = temporal_json(lot.manufactured)
        if lot.expiry is not None:
            out["expirationDate"] = temporal_json(lot.expiry)
        if lot.lot_number is not None:
            out["lotNumber"] = lot.lot_number
        if lot.serial_number is not None:
            out["serialNumber"] = lot.serial_number
    if product.names:
        out["deviceName"] = [{"name": name.name, "type": name.type} for name in product.names]
    if product.model_number is not None:
        out["modelNumber"] = product.model_number
    if product.part_number is not None:
        out["partNumber"] = product.part_number
    if product.code is not None:
        put(out, "type", concept_json(product.code))
    return out


def _read_name(value: Any, path: str) -> ProductName:
    obj = as_object(value, path)
    name_type = code(obj, "type", path, NAME_TYPES)
    if name_type is None:
        raise MappingError(f"{path}.type", "is required")
    return build(ProductName, path, name=required_text(obj, "name", path), type=name_type)


def _read_udi_carrier(value: Any, path: str) -> UdiCarrier:
    obj = as_object(value, path)
    return build(
        UdiCarrier,
        path,
        device_identifier=text(obj, "deviceIdentifier", path),
        issuer=text(obj, "issuer", path),
        jurisdiction=text(obj, "jurisdiction", path),
        carrier_aidc=text(obj, "carrierAIDC", path),
        carrier_hrf=text(obj, "carrierHRF", path),
        entry_type=code(obj, "entryType", path, ENTRY_TYPES),
    )


def _udi_carrier_json(carrier: UdiCarrier) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if carrier.device_identifier is not None:
        out["deviceIdentifier"] = carrier.device_identifier
    if carrier.issuer is not None:
        out["issuer"] = carrier.issuer
    if carrier.jurisdiction is not None:
        out["jurisdiction"] = carrier.jurisdiction
    if carrier.carrier_aidc is not None:
        out["carrierAIDC"] = carrier.carrier_aidc
    if carrier.carrier_hrf is not None:
        out["carrierHRF"] = carrier.carrier_hrf
    if carrier.entry_type is not None:
        out["entryType"] = carrier.entry_type
    return out
