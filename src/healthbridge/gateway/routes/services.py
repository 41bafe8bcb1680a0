"""The services the business and FHIR routers call, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from healthbridge.core.clock import Clock
from healthbridge.services.accounts import Accounts
from healthbridge.services.billing import Billing
from healthbridge.services.fhir_facade import FhirFacade
from healthbridge.services.inventory import InventoryAvailability
from healthbridge.services.invoices import Invoices
from healthbridge.services.orders import SupplyOrders
from healthbridge.services.partners import Partners
from healthbridge.services.ports import OdooPort
from healthbridge.services.read_model_ports import InventoryReadModelPort


@dataclass(frozen=True, slots=True)
class RouteServices:
    """One use case per business capability, plus the FHIR facade."""

    accounts: Accounts
    inventory: InventoryAvailability
    orders: SupplyOrders
    billing: Billing
    partners: Partners
    invoices: Invoices
    fhir: FhirFacade

    @classmethod
    def build(
        cls,
        odoo: OdooPort,
        read_model: InventoryReadModelPort,
        *,
        staleness_seconds: float = 60.0,
        cache_seconds: float = 1.0,
        credit_hold_after_days: int = 30,
        clock: Clock | None = None,
    ) -> RouteServices:
        """Every route service over one Odoo port and the inventory read model."""
        invoices = Invoices(odoo)
        orders = SupplyOrders(odoo)
        return cls(
            accounts=Accounts(odoo, credit_hold_after_days=credit_hold_after_days, clock=clock),
            inventory=InventoryAvailability(
                odoo,
                read_model,
                staleness_seconds=staleness_seconds,
                cache_seconds=cache_seconds,
                clock=clock,
            ),
            orders=orders,
            billing=Billing(odoo, invoices, clock=clock),
            partners=Partners(odoo),
            invoices=invoices,
            fhir=FhirFacade(odoo, orders),
        )
