"""From a stock level to a replenishment request: is this location below its reorder point?

The event subscriber (or a poller) calls ``stock_low_for`` when a stock level changes;
a ``StockLow`` comes back only when the on-hand quantity is under the reorder point, and
it carries the event id, so the same event never starts two runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.services.ports import OdooPort
from healthbridge.workflows.replenishment.model import StockLow


@dataclass(frozen=True, slots=True)
class ReorderRule:
    """When to reorder and how much, from which vendor (0: the configured one)."""

    reorder_point: float
    reorder_quantity: float
    supplier_id: int = 0

    @classmethod
    def from_settings(cls, settings: WorkflowsSettings) -> ReorderRule:
        """The default rule of ``settings``."""
        return cls(settings.reorder_point, settings.reorder_quantity, settings.supplier_partner_id)


async def stock_low_for(
    odoo: OdooPort,
    *,
    product_id: int,
    location_id: int,
    event_id: str,
    rule: ReorderRule,
    trace_id: str | None = None,
) -> StockLow | None:
    """A replenishment request when the location holds less than the reorder point, else None."""
    quants = await odoo.search_read(
        "stock.quant",
        [("product_id", "=", product_id), ("location_id", "=", location_id)],
        ["quantity"],
    )
    on_hand = sum(float(quant["quantity"] or 0.0) for quant in quants)
    if on_hand >= rule.reorder_point:
        return None
    (product,) = await odoo.read("product.product", [product_id], ["default_code", "name"])
    return StockLow(
        event_id=event_id,
        product_id=product_id,
        sku=str(product["default_code"] or f"product-{product_id}"),
        product_name=str(product["name"] or ""),
        location_id=location_id,
        quantity_on_hand=on_hand,
        reorder_point=rule.reorder_point,
        reorder_quantity=rule.reorder_quantity,
        supplier_id=rule.supplier_id,
        trace_id=trace_id,
    )
