"""The demo's ward that runs low: a stock count that starts a durable replenishment.

A few steps in, a nurse counts a ward's stock far below its reorder point. The change
reaches the hub like any other, becomes a ``StockLevelChanged`` event, and the workflow
trigger starts a replenishment: the supplier is asked for price and availability, and the
order is above the auto-approval threshold, so an approval task waits for a person. The
panel shows the command that approves it from another terminal; once approved, the
purchase order appears confirmed in Odoo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from healthbridge.connectors.odoo import OdooClient
from healthbridge.store.tasks import UNDECIDED, HumanTasks

LOW_AT_STEP = 4
"""The demo step at which the ward's count comes in low."""
LOW_COUNT = 4.0


@dataclass
class DemoReplenishment:
    """Makes one ward run low, then follows the approval and the purchase order."""

    odoo: OdooClient
    tasks: HumanTasks
    data_dir: Path
    reorder_point: float
    product: str = ""
    workflow_ids: list[str] = field(default_factory=list)
    _steps: int = 0
    _done: bool = False

    run_prefix: str | None = None
    """``replenishment-<product>-<location>-``: how the ward's run ids start, once it ran low."""

    async def step(self) -> str | None:
        """At ``LOW_AT_STEP``, count a ward's stock below the reorder point; else nothing."""
        self._steps += 1
        if self._done or self._steps != LOW_AT_STEP:
            return None
        self._done = True
        quants = await self.odoo.search_read(
            "stock.quant",
            [("location_id.usage", "=", "internal"), ("quantity", ">", self.reorder_point)],
            ["id", "product_id", "location_id", "quantity"],
            limit=1,
            order="id",
        )
        if not quants:
            return None
        quant = quants[0]
        await self.odoo.write("stock.quant", [quant["id"]], {"quantity": LOW_COUNT})
        self.product = str(quant["product_id"][1])
        self.run_prefix = f"replenishment-{quant['product_id'][0]}-{quant['location_id'][0]}-"
        return (
            f"[bold]ward runs low[/]: {quant['location_id'][1]} counts {self.product} "
            f"{quant['quantity']:g} -> {LOW_COUNT:g} (reorder point {self.reorder_point:g}): "
            "a replenishment starts"
        )

    async def summary(self) -> str:
        """The waiting approvals and the purchase orders the workflows made."""
        tasks = await self.tasks.list()
        lines: list[str] = []
        for task in tasks[:2]:
            if task.state in UNDECIDED:
                lines.append(
                    f"[yellow]approval waiting[/] {task.title} (for {task.assignee}); approve it "
                    f"from another terminal:\n  HEALTHBRIDGE_DATA_DIR={self.data_dir} "
                    f"healthbridge tasks approve '{task.task_id}' --reason 'ward is short'"
                )
            else:
                lines.append(
                    f"{task.title}: [bold]{task.state}[/] by {task.decided_by or '-'}"
                    f"{' (' + task.reason + ')' if task.reason else ''}"
                )
        orders = await self.odoo.search_read(
            "purchase.order",
            [("origin", "like", "replenishment-")],
            ["name", "state", "origin", "amount_total"],
            limit=3,
            order="id desc",
        )
        for order in orders:
            lines.append(
                f"purchase order [bold]{order['name']}[/] {order['state']} "
                f"({order['amount_total']:g}) for run {order['origin']}"
            )
        if not lines:
            lines.append(
                f"[dim]waiting for a ward to count below the reorder point (step {LOW_AT_STEP})[/]"
            )
        return "\n".join(lines)
