"""GS1 GTIN-13/14 numbers with valid check digits, for the demo products' barcodes."""

from __future__ import annotations


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of ``body`` (weights 3, 1, 3, ... from the right)."""
    if not body.isdigit():
        raise ValueError(f"GTIN body must be digits, not {body!r}")
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)


def is_valid(gtin: str) -> bool:
    """True for an 8, 12, 13 or 14 digit GTIN whose last digit is its check digit."""
    return gtin.isdigit() and len(gtin) in (8, 12, 13, 14) and check_digit(gtin[:-1]) == gtin[-1]


def gtin13(company_prefix: str, item_reference: int) -> str:
    """A GTIN-13 from a 7-digit GS1 company prefix and a 5-digit item reference."""
    body = f"{company_prefix}{item_reference:05d}"
    return body + check_digit(body)


def gtin14(indicator: int, company_prefix: str, item_reference: int) -> str:
    """A GTIN-14 for a case of the item: packaging indicator, then the GTIN-13 body."""
    body = f"{indicator}{company_prefix}{item_reference:05d}"
    return body + check_digit(body)
