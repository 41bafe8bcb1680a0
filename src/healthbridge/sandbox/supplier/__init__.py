"""The supplier sandbox: availability and price checks, reservations, order notifications."""

from healthbridge.sandbox.supplier.server import (
    RunningSupplier,
    create_supplier_app,
    start_supplier,
)
from healthbridge.sandbox.supplier.state import SupplierFault, SupplierState

__all__ = [
    "RunningSupplier",
    "SupplierFault",
    "SupplierState",
    "create_supplier_app",
    "start_supplier",
]
