"""Groups, per-model access rights, and the AccessError text Odoo 19 writes for a denial.

Rights are ``ir.model.access`` rows: (model, group, read, write, create, unlink). A user
holds groups, and a group may imply others (Administrator implies Access Rights implies
User), exactly as the denial message needs: it lists only the groups that have a row
granting the operation, not those that get it by implication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from healthbridge.sandbox.odoo.exceptions import AccessError

Operation = Literal["read", "write", "create", "unlink"]
OPERATIONS: tuple[Operation, ...] = ("read", "write", "create", "unlink")
_VERB = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}

SYSTEM = "Role / Administrator"
ERP_MANAGER = "Access Rights"
USER = "Role / User"
PARTNER_MANAGER = "Contact Creation"
INVENTORY_ADMIN = "Inventory / Administrator"
PURCHASE_ADMIN = "Purchase / Administrator"
SALES_ADMIN = "Sales / Administrator"
BILLING_ADMIN = "Invoicing / Billing Administrator"
EMPLOYEES_ADMIN = "Employees / Administrator"
INTEGRATION = "Healthbridge / Integration"
STOCK_READER = "Healthbridge / Stock Reader"

IMPLIED: dict[str, frozenset[str]] = {
    SYSTEM: frozenset({ERP_MANAGER, USER}),
    ERP_MANAGER: frozenset({USER}),
}

READ = "r"
FULL = "rwcu"
NO_UNLINK = "rwc"


@dataclass(frozen=True, slots=True)
class AccessRule:
    """One ``ir.model.access`` row."""

    model: str
    group: str
    perms: str


def _area(models: tuple[str, ...], admin: str, *, user_read: bool = True) -> list[AccessRule]:
    rules = [AccessRule(model, admin, FULL) for model in models]
    rules += [AccessRule(model, INTEGRATION, NO_UNLINK) for model in models]
    if user_read:
        rules += [AccessRule(model, USER, READ) for model in models]
    return rules


PARTNER_MODELS = ("res.partner", "res.partner.category")
REFERENCE_MODELS = ("res.country", "res.currency")
STOCK_MODELS = (
    "uom.uom",
    "product.category",
    "product.product",
    "stock.warehouse",
    "stock.location",
    "stock.picking.type",
    "stock.quant",
    "stock.lot",
    "stock.picking",
    "stock.move",
)
PURCHASE_MODELS = ("purchase.order", "purchase.order.line")
SALES_MODELS = ("sale.order", "sale.order.line")
ACCOUNT_MODELS = ("account.journal", "account.move", "account.move.line", "account.payment")
HR_MODELS = ("hr.department", "hr.employee")
STOCK_READER_MODELS = (*tuple(m for m in STOCK_MODELS if m.startswith("stock.")), "product.product")

RULES: tuple[AccessRule, ...] = tuple(
    [AccessRule(model, PARTNER_MANAGER, FULL) for model in PARTNER_MODELS]
    + [AccessRule(model, INTEGRATION, NO_UNLINK) for model in PARTNER_MODELS]
    + [AccessRule(model, USER, READ) for model in PARTNER_MODELS]
    + _area(REFERENCE_MODELS, ERP_MANAGER)
    + _area(STOCK_MODELS, INVENTORY_ADMIN)
    + _area(PURCHASE_MODELS, PURCHASE_ADMIN)
    + _area(SALES_MODELS, SALES_ADMIN)
    + _area(ACCOUNT_MODELS, BILLING_ADMIN)
    + _area(HR_MODELS, EMPLOYEES_ADMIN)
    + [AccessRule(model, STOCK_READER, READ) for model in STOCK_READER_MODELS]
    + [
        AccessRule("res.company", ERP_MANAGER, FULL),
        AccessRule("res.company", USER, READ),
        AccessRule("res.company", INTEGRATION, READ),
        AccessRule("res.users", ERP_MANAGER, FULL),
        AccessRule("res.users", USER, READ),
        AccessRule("res.users", INTEGRATION, READ),
        AccessRule("ir.config_parameter", SYSTEM, FULL),
        AccessRule("ir.model", USER, READ),
        AccessRule("ir.model", INTEGRATION, READ),
        AccessRule("ir.model.fields", USER, READ),
        AccessRule("ir.model.fields", INTEGRATION, READ),
        AccessRule("ir.actions.server", SYSTEM, FULL),
        AccessRule("ir.actions.server", USER, READ),
        AccessRule("ir.actions.server", INTEGRATION, FULL),
        AccessRule("base.automation", SYSTEM, FULL),
        AccessRule("base.automation", USER, READ),
        AccessRule("base.automation", INTEGRATION, FULL),
    ]
)


def _perm_letter(operation: Operation) -> str:
    return {"read": "r", "write": "w", "create": "c", "unlink": "u"}[operation]


def effective_groups(groups: frozenset[str]) -> frozenset[str]:
    """A user's groups with every implied group added."""
    result = set(groups)
    pending = list(groups)
    while pending:
        for implied in IMPLIED.get(pending.pop(), frozenset()):
            if implied not in result:
                result.add(implied)
                pending.append(implied)
    return frozenset(result)


class AccessRights:
    """Answers "may these groups do that to this model?" from the rule table."""

    def __init__(self, rules: tuple[AccessRule, ...] = RULES) -> None:
        self._allowed: dict[tuple[str, Operation], frozenset[str]] = {}
        for operation in OPERATIONS:
            letter = _perm_letter(operation)
            for rule in rules:
                if letter in rule.perms:
                    key = (rule.model, operation)
                    self._allowed[key] = self._allowed.get(key, frozenset()) | {rule.group}

    def groups_allowed(self, model: str, operation: Operation) -> frozenset[str]:
        return self._allowed.get((model, operation), frozenset())

    def allows(self, groups: frozenset[str], model: str, operation: Operation) -> bool:
        return not groups.isdisjoint(self.groups_allowed(model, operation))

    def denial(self, model: str, description: str, operation: Operation) -> AccessError:
        """The AccessError Odoo raises, naming the groups that would have been allowed."""
        allowed = sorted(self.groups_allowed(model, operation))
        if allowed:
            listing = "\n".join(f"\t- {group}" for group in allowed)
            groups = f"This operation is allowed for the following groups:\n{listing}"
        else:
            groups = "No group currently allows this operation."
        return AccessError(
            f"You are not allowed to {_VERB[operation]} '{description}' ({model}) records."
            f"\n\n{groups}\n\nContact your administrator to request access if necessary."
        )
