"""The environment of one call: who, with which context, at what time, in which transaction.

Like Odoo's ``env``: ``env["res.partner"]`` is an empty recordset of that model, ``sudo()``
keeps the transaction but skips access rights, and ``now`` is the transaction start time
that every ``create_date``/``write_date`` of the call receives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from healthbridge.sandbox.odoo.orm.access import AccessRights
    from healthbridge.sandbox.odoo.orm.model import BaseModel
    from healthbridge.sandbox.odoo.orm.store import Journal, Store

SUPERUSER_ID = 1


@dataclass(frozen=True, slots=True)
class Change:
    """A record created or written in this transaction, for automation rules."""

    kind: Literal["create", "write"]
    model: str
    record_id: int
    written: frozenset[str]
    """Field names the call gave values for."""
    changed: frozenset[str]
    """Of those, the ones whose stored value really changed (Odoo's trigger-field test)."""
    synced: bool = False
    """True when the write came from a company syncing its fields down to a contact."""


@dataclass(slots=True)
class Transaction:
    """What the call has done so far: the undo journal and the changes for automation."""

    journal: Journal
    changes: list[Change] = field(default_factory=list)


class Environment:
    """User, context, clock and transaction of one call."""

    __slots__ = (
        "context",
        "groups",
        "now",
        "registry",
        "rights",
        "store",
        "su",
        "transaction",
        "uid",
    )

    def __init__(
        self,
        *,
        store: Store,
        registry: Mapping[str, type[BaseModel]],
        rights: AccessRights,
        uid: int,
        groups: frozenset[str],
        context: Mapping[str, Any],
        now: datetime,
        transaction: Transaction,
        su: bool = False,
    ) -> None:
        self.store = store
        self.registry = registry
        self.rights = rights
        self.uid = uid
        self.groups = groups
        self.context = dict(context)
        self.now = now
        self.transaction = transaction
        self.su = su or uid == SUPERUSER_ID

    def __getitem__(self, model: str) -> BaseModel:
        return self.registry[model](self, ())

    def _copy(self, *, su: bool, context: Mapping[str, Any]) -> Environment:
        return Environment(
            store=self.store,
            registry=self.registry,
            rights=self.rights,
            uid=self.uid,
            groups=self.groups,
            context=context,
            now=self.now,
            transaction=self.transaction,
            su=su,
        )

    def sudo(self) -> Environment:
        """The same call, without access checks."""
        return self if self.su else self._copy(su=True, context=self.context)

    def with_context(self, **values: Any) -> Environment:
        return self._copy(su=self.su, context={**self.context, **values})

    @property
    def active_test(self) -> bool:
        return self.context.get("active_test", True) is not False
