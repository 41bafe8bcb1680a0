"""One line of the demo catalogue: what a hospital group buys, at what price, tracked how."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    name: str
    category: str
    unit: str
    price: float
    cost: float
    lot: bool = False
    service: bool = False
