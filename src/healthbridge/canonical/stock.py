"""StockLevel: how much of a product (or lot) sits in a location."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime

from healthbridge.canonical.amounts import Quantity
from healthbridge.canonical.classification import OPERATIONAL
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel
from healthbridge.canonical.references import Reference


class StockLevel(CanonicalModel):
    """On-hand and reserved quantity of a product in a location at a stated moment.

    ``as_of`` is when the source measured it (given, never read from a clock here), so a
    reader can state how stale the figure is.
    """

    identifiers: Annotated[tuple[Identifier, ...], OPERATIONAL] = ()
    product: Annotated[Reference, OPERATIONAL]
    location: Annotated[Reference, OPERATIONAL]
    lot: Annotated[Reference | None, OPERATIONAL] = None
    quantity: Annotated[Quantity, OPERATIONAL]
    reserved: Annotated[Quantity | None, OPERATIONAL] = None
    as_of: Annotated[AwareDatetime | None, OPERATIONAL] = None
