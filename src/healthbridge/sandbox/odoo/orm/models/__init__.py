"""The sandbox's Odoo models, one module per business area; importing registers them."""

from healthbridge.sandbox.odoo.orm.models.account import AccountMove, AccountMoveLine
from healthbridge.sandbox.odoo.orm.models.company import (
    ResCompany,
    ResCountry,
    ResCurrency,
    ResUsers,
)
from healthbridge.sandbox.odoo.orm.models.hr import HrDepartment, HrEmployee
from healthbridge.sandbox.odoo.orm.models.journals import AccountJournal
from healthbridge.sandbox.odoo.orm.models.partners import ResPartner, ResPartnerCategory
from healthbridge.sandbox.odoo.orm.models.payments import AccountPayment
from healthbridge.sandbox.odoo.orm.models.products import ProductCategory, ProductProduct, UomUom
from healthbridge.sandbox.odoo.orm.models.purchase import PurchaseOrder, PurchaseOrderLine
from healthbridge.sandbox.odoo.orm.models.sale import SaleOrder, SaleOrderLine
from healthbridge.sandbox.odoo.orm.models.stock import (
    StockLocation,
    StockLot,
    StockMove,
    StockPicking,
    StockPickingType,
    StockQuant,
    StockWarehouse,
)
from healthbridge.sandbox.odoo.orm.models.technical import (
    BaseAutomation,
    IrActionsServer,
    IrConfigParameter,
    IrModel,
    IrModelFields,
)

__all__ = [
    "AccountJournal",
    "AccountMove",
    "AccountMoveLine",
    "AccountPayment",
    "BaseAutomation",
    "HrDepartment",
    "HrEmployee",
    "IrActionsServer",
    "IrConfigParameter",
    "IrModel",
    "IrModelFields",
    "ProductCategory",
    "ProductProduct",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "ResCompany",
    "ResCountry",
    "ResCurrency",
    "ResPartner",
    "ResPartnerCategory",
    "ResUsers",
    "SaleOrder",
    "SaleOrderLine",
    "StockLocation",
    "StockLot",
    "StockMove",
    "StockPicking",
    "StockPickingType",
    "StockQuant",
    "StockWarehouse",
    "UomUom",
]
