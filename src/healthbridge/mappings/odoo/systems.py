"""Identifier systems for Odoo fields that identify a record (``ref``, ``barcode``...).

The record itself is ``Identifier.odoo(model, id)``; a business key kept in one of its
fields (a partner's ``ref``, a product's ``default_code``) gets the system
``urn:healthbridge:odoo-field:<model>:<field>``, so it is found again and written back to
the same field. Type codes come from HL7 table 0203 so FHIR peers know what they hold.
"""

from __future__ import annotations

from typing import Any

ODOO_FIELD_SYSTEM_PREFIX = "urn:healthbridge:odoo-field:"
"""``urn:healthbridge:odoo-field:<model>:<field>``: a business key held in an Odoo field."""

IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
"""HL7 v2 table 0203 (identifier type): ``MR`` medical record number, ``TAX``..."""


def odoo_field_system(model: str, field: str) -> str:
    """The identifier system of business keys kept in ``model.field``."""
    return f"{ODOO_FIELD_SYSTEM_PREFIX}{model}:{field}"


def identifier_type(code: str) -> dict[str, Any]:
    """An identifier ``type`` concept (as a dict for ``model_validate``) with a table 0203 code."""
    return {"codings": ({"system": IDENTIFIER_TYPE_SYSTEM, "code": code},)}
