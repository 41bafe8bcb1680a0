"""The contact data Odoo keeps flat on a record: address fields, email, phone, website."""

from __future__ import annotations

from typing import Any

from healthbridge.mappings.odoo.wire import RowReader, nonempty

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "country_id")


def read_address(reader: RowReader, use: str | None = None) -> dict[str, Any] | None:
    """The partner's postal address (country as Odoo names it), or ``None`` when blank."""
    lines = tuple(v for v in (reader.text("street"), reader.text("street2")) if v is not None)
    country = reader.many2one("country_id")
    address = nonempty(
        lines=lines,
        postal_code=reader.text("zip"),
        city=reader.text("city"),
        country=country[1] if country else None,
    )
    if not address:
        return None
    if use is not None:
        address["use"] = use
    return address


def read_telecom(
    reader: RowReader, fields: tuple[tuple[str, str, str | None], ...]
) -> tuple[Any, ...]:
    """Contact points from ``(odoo field, system, use)`` triples, skipping blank fields."""
    out: list[dict[str, Any]] = []
    for field, system, use in fields:
        value = reader.text(field)
        if value is not None:
            out.append(
                {"system": system, "value": value, "use": use}
                if use
                else {"system": system, "value": value}
            )
    return tuple(out)


def address_vals(address: Any) -> dict[str, Any]:
    """Odoo address vals from a canonical Address (the country is left out: it needs an id)."""
    if address is None:
        return {}
    lines = address.lines
    return nonempty(
        street=lines[0] if lines else None,
        street2=" ".join(lines[1:]) or None,
        zip=address.postal_code,
        city=address.city,
    )


def telecom_vals(telecom: Any, fields: tuple[tuple[str, str, str | None], ...]) -> dict[str, Any]:
    """Odoo vals for the first contact point of each ``(field, system, use)`` kind."""
    out: dict[str, Any] = {}
    for field, system, use in fields:
        for point in telecom:
            if point.system == system and (use is None or point.use == use) and point.value:
                out[field] = point.value
                break
    return out
