"""``hr.employee`` <-> Practitioner: identity and work contact data, nothing more.

Not carried: ``job_title``, ``department_id``, ``parent_id``, ``user_id``,
``work_location_name`` and ``employee_type`` (Practitioner has no field for them; roles
belong to PractitionerRole, which the hub does not map). Names are kept as Odoo writes
them, in one piece (``text``): splitting given from family names would guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.practitioner import Practitioner
from healthbridge.mappings.odoo.contact import read_telecom, telecom_vals
from healthbridge.mappings.odoo.related import OdooRelated
from healthbridge.mappings.odoo.systems import odoo_field_system
from healthbridge.mappings.odoo.wire import RowReader, build, identifier_value, nonempty

EMPLOYEE = "hr.employee"
BADGE_SYSTEM = odoo_field_system(EMPLOYEE, "barcode")
_TELECOM = (
    ("work_email", "email", "work"),
    ("work_phone", "phone", "work"),
    ("mobile_phone", "phone", "mobile"),
)


def odoo_to_practitioner(
    row: Mapping[str, Any], *, related: OdooRelated | None = None
) -> Practitioner:
    """The Practitioner an ``hr.employee`` row describes, with its badge id."""
    del related
    reader = RowReader(row, EMPLOYEE)
    record_id = reader.id()
    identifiers: list[dict[str, Any]] = [{"system": odoo_system(EMPLOYEE), "value": str(record_id)}]
    badge = reader.text("barcode")
    if badge is not None:
        identifiers.append({"system": BADGE_SYSTEM, "value": badge})
    name = reader.text("name")
    data = nonempty(
        identifiers=tuple(identifiers),
        active=reader.boolean("active"),
        names=({"text": name},) if name else (),
        telecom=read_telecom(reader, _TELECOM),
    )
    return build(Practitioner, data, EMPLOYEE)


def practitioner_to_odoo_vals(practitioner: Practitioner) -> dict[str, Any]:
    """Vals for the employee: name, badge, work e-mail and phones, active.

    Addresses, gender and birth date are personal data Odoo's employee record does not
    need for the hub's purposes and are left out.
    """
    name = next(
        (n.text or " ".join([*n.given, n.family or ""]).strip() for n in practitioner.names), None
    )
    vals = nonempty(
        name=name or None,
        barcode=identifier_value(practitioner.identifiers, BADGE_SYSTEM),
        active=practitioner.active,
    )
    vals.update(telecom_vals(practitioner.telecom, _TELECOM))
    return vals
