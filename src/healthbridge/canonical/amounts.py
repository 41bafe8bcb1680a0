"""Amounts: money as an exact decimal with its ISO 4217 currency, and quantities with units."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import StringConstraints

from healthbridge.canonical.classification import FINANCIAL, OPERATIONAL, PUBLIC
from healthbridge.canonical.model import CanonicalModel

UCUM_SYSTEM = "http://unitsofmeasure.org"

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 alphabetic currency code (``EUR``, ``USD``)."""


class Money(CanonicalModel):
    """An amount of money; never a float, and never without its currency."""

    amount: Annotated[Decimal, FINANCIAL]
    currency: Annotated[CurrencyCode, PUBLIC]


class Quantity(CanonicalModel):
    """A measured or counted amount with its unit.

    ``unit`` is the unit's name as people and Odoo write it (``Units``, ``kg``, ``Box of
    10``); ``code`` is the same unit as a code in ``system`` (UCUM when the system is
    :data:`UCUM_SYSTEM`), so a peer can convert without parsing names.
    """

    value: Annotated[Decimal, OPERATIONAL]
    unit: Annotated[str | None, PUBLIC] = None
    system: Annotated[str | None, PUBLIC] = None
    code: Annotated[str | None, PUBLIC] = None
