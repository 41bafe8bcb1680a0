"""The sandbox's fixed users, their groups, and password/API-key checks.

The uids are fixed so that tests and the demo can name them: 1 ``__system__`` (the
superuser, no password), 2 ``admin``, 5 ``demo``, 6 ``hub-integration`` and 7
``stock-reader``. Every user but ``__system__`` has an API key; as in Odoo 19 the same key
works as a JSON-2 bearer token and in place of the password over XML-RPC and JSON-RPC.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from healthbridge.sandbox.odoo.orm import access
from healthbridge.sandbox.odoo.orm.environment import SUPERUSER_ID


@dataclass(frozen=True, slots=True)
class UserAccount:
    """One sandbox user."""

    uid: int
    login: str
    name: str
    password: str | None
    groups: frozenset[str]
    email: str


ADMIN_GROUPS = frozenset(
    {
        access.SYSTEM,
        access.PARTNER_MANAGER,
        access.INVENTORY_ADMIN,
        access.PURCHASE_ADMIN,
        access.SALES_ADMIN,
        access.BILLING_ADMIN,
        access.EMPLOYEES_ADMIN,
    }
)

USERS: tuple[UserAccount, ...] = (
    UserAccount(SUPERUSER_ID, "__system__", "OdooBot", None, ADMIN_GROUPS, "odoobot@example.com"),
    UserAccount(2, "admin", "Administrator", "admin", ADMIN_GROUPS, "admin@healthbridge.example"),
    UserAccount(
        5,
        "demo",
        "Marc Demo",
        "demo",
        frozenset({access.USER, access.PARTNER_MANAGER}),
        "demo@healthbridge.example",
    ),
    UserAccount(
        6,
        "hub-integration",
        "Hub Integration",
        "hub-integration",
        frozenset({access.INTEGRATION}),
        "hub@healthbridge.example",
    ),
    UserAccount(
        7,
        "stock-reader",
        "Stock Reader",
        "stock-reader",
        frozenset({access.STOCK_READER}),
        "stock@healthbridge.example",
    ),
)
USERS_BY_UID = {user.uid: user for user in USERS}


def _same(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


class Credentials:
    """Passwords and API keys of the users; keys are random unless given."""

    def __init__(self, api_keys: Mapping[str, str] | None = None) -> None:
        given = dict(api_keys or {})
        self._keys: dict[int, str] = {
            user.uid: given.get(user.login) or secrets.token_hex(20)
            for user in USERS
            if user.uid != SUPERUSER_ID
        }

    def api_keys(self) -> dict[str, str]:
        """login -> API key."""
        return {USERS_BY_UID[uid].login: key for uid, key in self._keys.items()}

    def accepts(self, uid: int, secret: str) -> bool:
        """True when ``secret`` is the password or the API key of ``uid``."""
        user = USERS_BY_UID.get(uid)
        if user is None or not isinstance(secret, str) or not secret:
            return False
        return _same(secret, user.password) or _same(secret, self._keys.get(uid))

    def authenticate(self, login: str, password: str) -> int | None:
        for user in USERS:
            if user.login == login and user.uid != SUPERUSER_ID:
                return user.uid if self.accepts(user.uid, password) else None
        return None

    def uid_for_api_key(self, key: str) -> int | None:
        if not isinstance(key, str) or not key:
            return None
        for uid, expected in self._keys.items():
            if _same(key, expected):
                return uid
        return None
