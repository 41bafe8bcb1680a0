"""Random, truncated and mistyped Odoo rows are refused with OdooMappingError, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.mappings.odoo import (
    OdooMappingError,
    odoo_to_invoice,
    odoo_to_location,
    odoo_to_lot,
    odoo_to_organization,
    odoo_to_patient,
    odoo_to_payment,
    odoo_to_practitioner,
    odoo_to_product,
    odoo_to_service_order,
    odoo_to_stock_level,
    odoo_to_supply_order,
)
from healthbridge.mappings.odoo.related import OdooRelated
from tests.unit.mappings.odoo.conftest import Rows

MAPPERS: dict[str, tuple[Callable[..., Any], str | None]] = {
    "res.partner": (odoo_to_organization, None),
    "product.product": (odoo_to_product, None),
    "stock.lot": (odoo_to_lot, None),
    "stock.quant": (odoo_to_stock_level, None),
    "stock.location": (odoo_to_location, None),
    "purchase.order": (odoo_to_supply_order, "purchase.order.line"),
    "sale.order": (odoo_to_service_order, "sale.order.line"),
    "account.move": (odoo_to_invoice, "account.move.line"),
    "account.payment": (odoo_to_payment, None),
    "hr.employee": (odoo_to_practitioner, None),
}

WIRE_VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(min_value=-3, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=25),
    st.sampled_from(["2026-13-45 25:61:00", "2026-01-01", "draft", "posted", "paid", "0"]),
    st.lists(st.integers(min_value=-2, max_value=50), max_size=3),
    st.tuples(
        st.integers(min_value=-1, max_value=50), st.one_of(st.text(max_size=5), st.booleans())
    ),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _check(call: Callable[[], Any]) -> None:
    error: OdooMappingError | None = None
    try:
        call()
    except OdooMappingError as caught:
        error = caught
    if error is not None:
        assert error.code == "mapping.odoo_invalid"
        assert error.model in str(error)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mistyped_and_truncated_demo_rows_fail_only_with_odoo_mapping_errors(
    data: st.DataObject, rows: Rows, related: OdooRelated
) -> None:
    model = data.draw(st.sampled_from(sorted(MAPPERS)))
    mapper, line_model = MAPPERS[model]
    source = data.draw(st.sampled_from(rows(model)))
    row = dict(source)
    keys = sorted(row)
    for key in data.draw(st.lists(st.sampled_from(keys), max_size=4)):
        row[key] = data.draw(WIRE_VALUES)
    for key in data.draw(st.lists(st.sampled_from(keys), max_size=2)):
        row.pop(key, None)
    lines = rows(line_model) if line_model else []
    corrupt_a_line: bool = data.draw(st.booleans())
    if lines and corrupt_a_line:
        line = dict(data.draw(st.sampled_from(lines)))
        line[data.draw(st.sampled_from(sorted(line)))] = data.draw(WIRE_VALUES)
        lines = [*lines, line]
    context = replace(related, lines=lines)
    _check(lambda: mapper(row, related=context))
    if model == "res.partner":
        _check(lambda: odoo_to_patient(row, related=context))


@settings(max_examples=100, deadline=None)
@given(row=st.one_of(st.dictionaries(st.text(max_size=12), WIRE_VALUES, max_size=8), WIRE_VALUES))
def test_random_rows_fail_only_with_odoo_mapping_errors(row: Any) -> None:
    for mapper, _ in MAPPERS.values():

        def call(mapper: Callable[..., Any] = mapper) -> Any:
            return mapper(row)

        _check(call)
    _check(lambda: odoo_to_patient(row))
