"""Supply replenishment: a durable workflow with supplier check, approval and compensation."""

from healthbridge.workflows.replenishment.model import (
    APPROVAL_TOPIC,
    ReplenishmentOutcome,
    StockLow,
)
from healthbridge.workflows.replenishment.steps import STEP_NAMES
from healthbridge.workflows.replenishment.supplier_client import SupplierHttp
from healthbridge.workflows.replenishment.trigger import ReorderRule, stock_low_for
from healthbridge.workflows.replenishment.workflow import replenishment, start_replenishment

__all__ = [
    "APPROVAL_TOPIC",
    "STEP_NAMES",
    "ReorderRule",
    "ReplenishmentOutcome",
    "StockLow",
    "SupplierHttp",
    "replenishment",
    "start_replenishment",
    "stock_low_for",
]
