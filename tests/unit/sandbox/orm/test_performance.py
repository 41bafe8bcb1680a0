"""The ORM costs far less than the HTTP path it sits behind, so benchmarks measure the wire."""

from __future__ import annotations

import statistics
import time

from healthbridge.sandbox.odoo.orm import Database


def test_search_read_of_eighty_partners_takes_well_under_a_millisecond(shared_db: Database) -> None:
    args, kwargs = [[]], {"fields": ["name", "email", "write_date"], "limit": 80}
    for _ in range(20):
        shared_db.execute_kw(2, "res.partner", "search_read", args, kwargs)
    samples = []
    for _ in range(60):
        started = time.perf_counter()
        rows = shared_db.execute_kw(2, "res.partner", "search_read", args, kwargs).value
        samples.append(time.perf_counter() - started)
    assert len(rows) == 80
    assert statistics.median(samples) < 0.001
