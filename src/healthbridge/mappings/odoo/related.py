"""What a mapper needs beyond the row itself: names of tags, the company currency, lines.

search_read gives many2many fields as bare ids and has no currency on a product, so a
caller that wants roles or prices reads those once (they change rarely) and passes them
here; a mapper never reads Odoo itself (mappings do no I/O).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[int, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class OdooRelated:
    """Related Odoo data for one mapping call; every part is optional.

    ``partner_tags``: ``res.partner.category`` id -> name (roles and the patient tag).
    ``uoms``: ``uom.uom`` id -> name (to write ``uom_id`` back from a unit name).
    ``company_currency``: ISO code of the company currency (prices of products).
    ``lines``: the line rows of an order or invoice (``order_line`` / ``invoice_line_ids``).
    """

    partner_tags: Mapping[int, str] = field(default_factory=lambda: _EMPTY)
    uoms: Mapping[int, str] = field(default_factory=lambda: _EMPTY)
    company_currency: str | None = None
    lines: Sequence[Mapping[str, Any]] = ()

    def tag_id(self, name: str) -> int | None:
        """The id of the partner tag called ``name``, if known."""
        return next((i for i, n in self.partner_tags.items() if n == name), None)

    def uom_id(self, name: str) -> int | None:
        """The id of the unit of measure called ``name``, if known."""
        return next((i for i, n in self.uoms.items() if n == name), None)


NO_RELATED = OdooRelated()
"""The default: nothing related is known."""
