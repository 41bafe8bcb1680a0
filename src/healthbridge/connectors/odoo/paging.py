"""Reading a large result set page by page without skipping or repeating rows.

Without an explicit order the pages follow ``id`` by keyset: each page asks for ids
above the last one seen, so records created or deleted between pages neither shift nor
repeat rows, and Odoo never has to count past an offset. With an explicit order, pages
use offsets, with ``id`` added as a tiebreak so equal sort keys cannot swap places
between two pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

Record = dict[str, Any]

PageFetcher = Callable[[list[Any], int, int, str | None], Awaitable[list[Record]]]
"""``(domain, offset, limit, order) -> rows``: one ``search_read`` call."""


async def pages(
    fetch: PageFetcher,
    domain: Sequence[Any],
    *,
    page_size: int,
    order: str | None,
    offset: int = 0,
    limit: int | None = None,
) -> AsyncIterator[list[Record]]:
    """Pages of at most ``page_size`` rows until ``limit`` rows or the matches run out."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    if limit is not None and limit < 1:
        raise ValueError("limit must be positive; use None for all records")
    base = list(domain)
    remaining, skip, after_id = limit, offset, None
    while remaining is None or remaining > 0:
        size = page_size if remaining is None else min(page_size, remaining)
        if order is None:
            # Prepending an AND-ed leaf keeps any prefix-notation domain's meaning.
            page_domain = base if after_id is None else [("id", ">", after_id), *base]
            page = await fetch(page_domain, skip, size, "id")
            skip = 0
        else:
            page = await fetch(base, skip, size, with_id_tiebreak(order))
            skip += len(page)
        if not page:
            return
        yield page
        if remaining is not None:
            remaining -= len(page)
        if len(page) < size:
            return
        after_id = page[-1]["id"]


def with_id_tiebreak(order: str) -> str:
    """``order`` with ``id`` appended unless it sorts by id already."""
    terms = [term.split()[0] for term in order.split(",") if term.strip()]
    return order if "id" in terms else f"{order}, id"
