"""GS1 Global Trade Item Numbers: the shape and check digit every GTIN must have.

A GTIN is what a scanner reads from a supply's barcode and what Odoo keeps in
``product.product.barcode``; GS1 UDI device identifiers are GTINs too. A wrong check
digit means a mistyped or misread number, which would silently match the wrong product,
so canonical objects refuse it at the edge.
"""

from __future__ import annotations

GTIN_LENGTHS = frozenset({8, 12, 13, 14})
"""GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) and GTIN-14."""


def gtin_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body`` (the GTIN without its last digit)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    """True when ``value`` is 8, 12, 13 or 14 ASCII digits whose last digit checks."""
    if len(value) not in GTIN_LENGTHS or not value.isascii() or not value.isdigit():
        return False
    # gtin_check_digit, by slices instead of a loop: every barcode on every row comes here.
    body = value[-2::-1]  # the body, rightmost digit first (weight 3)
    total = 3 * sum(map(int, body[::2])) + sum(map(int, body[1::2]))
    return (10 - total % 10) % 10 == int(value[-1])
