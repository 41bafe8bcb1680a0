"""The sprawl check: Odoo users and API keys that integrations use directly, outside the hub.

Point-to-point access to Odoo is what the hub exists to end; this lists it from Odoo's
own records (read through the connector, never written), as findings for the portfolio.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services.ports import OdooPort


@dataclass(frozen=True, slots=True)
class SprawlFinding:
    """An Odoo user or API key that integrations use directly, outside the hub."""

    login: str
    user_id: int
    key: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SprawlReport:
    """The sprawl check's findings, and whether Odoo let us read API keys at all."""

    findings: tuple[SprawlFinding, ...]
    keys_readable: bool
    notes: tuple[str, ...] = field(default=())


async def sprawl_check(
    odoo: OdooPort,
    *,
    hub_logins: Sequence[str],
    machine_patterns: Sequence[str] = (),
) -> SprawlReport:
    """Odoo users and API keys that integrations use directly, outside the hub.

    Reads ``res.users.apikeys`` (Odoo 14+): every key of a user that is not one of the
    hub's own logins is a point-to-point integration. When Odoo refuses that model
    (no access, or a server without it), active users whose login looks like a machine
    (``machine_patterns``) are listed instead, and the report says which path it took.
    """
    users = await odoo.search_read("res.users", [("active", "=", True)], ["login", "name", "share"])
    logins = {int(user["id"]): str(user.get("login") or "") for user in users}
    hub = set(hub_logins)
    try:
        keys = await odoo.search_read("res.users.apikeys", [], ["name", "user_id"])
    except HealthbridgeError as error:
        found = [
            SprawlFinding(login, uid, None, "machine-like login used outside the hub")
            for uid, login in sorted(logins.items())
            if login not in hub and any(fnmatch.fnmatch(login, p) for p in machine_patterns)
        ]
        note = f"res.users.apikeys is not readable ({error.code}): listed machine-like logins"
        return SprawlReport(tuple(found), keys_readable=False, notes=(note,))
    findings: list[SprawlFinding] = []
    for key in keys:
        owner = key.get("user_id")
        uid = int(owner[0]) if isinstance(owner, list | tuple) and owner else 0
        login = logins.get(uid, f"uid {uid}")
        if login in hub:
            continue
        name = str(key.get("name") or "") or None
        findings.append(SprawlFinding(login, uid, name, "API key used outside the hub"))
    return SprawlReport(tuple(findings), keys_readable=True)
