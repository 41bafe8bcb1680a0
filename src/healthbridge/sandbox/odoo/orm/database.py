"""``Database``: one in-memory Odoo 19 database, the object the wire layer talks to.

Every call is one transaction: it runs under a lock, against an undo journal, and either
commits (returning the value and the webhooks to post) or rolls back completely and
raises an ``OdooError`` subclass, which is the only kind of exception that leaves here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from healthbridge.sandbox.odoo.exceptions import (
    AccessDenied,
    BadArguments,
    InvalidValue,
    OdooError,
    ServerError,
)
from healthbridge.sandbox.odoo.orm import dispatch
from healthbridge.sandbox.odoo.orm import models as _models
from healthbridge.sandbox.odoo.orm.access import AccessRights, effective_groups
from healthbridge.sandbox.odoo.orm.automation import webhook_posts
from healthbridge.sandbox.odoo.orm.baseline import load_baseline
from healthbridge.sandbox.odoo.orm.demo import load_demo
from healthbridge.sandbox.odoo.orm.environment import SUPERUSER_ID, Environment, Transaction
from healthbridge.sandbox.odoo.orm.model import REGISTRY
from healthbridge.sandbox.odoo.orm.rendering import to_wire
from healthbridge.sandbox.odoo.orm.results import CallResult
from healthbridge.sandbox.odoo.orm.store import Journal, Store
from healthbridge.sandbox.odoo.orm.users import USERS_BY_UID, Credentials

assert _models.__all__  # the models register themselves on import

DEMO_COMPANY = "Healthbridge Hospital Group"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Database:
    """An Odoo 19 database in memory, with demo data unless ``demo=False``."""

    def __init__(
        self,
        name: str = "healthbridge",
        *,
        demo: bool = True,
        seed: int = 7,
        api_keys: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        server_version: str = "19.0",
    ) -> None:
        self.name = name
        self._clock = clock or _utc_now
        self._server_version = server_version
        self._lock = threading.RLock()
        self._store = Store(sorted(REGISTRY))
        self._rights = AccessRights()
        self._credentials = Credentials(api_keys)
        transaction = Transaction(Journal(self._store))
        env = self._environment(SUPERUSER_ID, {}, transaction)
        load_baseline(env, company_name=DEMO_COMPANY if demo else "My Company")
        if demo:
            load_demo(env, seed)
        transaction.journal.commit()

    # ---- version and credentials ----------------------------------------------------------

    def version_info(self) -> dict[str, Any]:
        """``common.version()``: the same shape Odoo answers."""
        numbers = [int(n) for n in re.findall(r"\d+", self._server_version)[:2]] + [0, 0]
        return {
            "server_version": self._server_version,
            "server_version_info": [numbers[0], numbers[1], 0, "final", 0, ""],
            "server_serie": self._server_version,
            "protocol_version": 1,
        }

    def api_keys(self) -> dict[str, str]:
        """login -> API key of every user that has one (all but ``__system__``)."""
        return self._credentials.api_keys()

    def authenticate(self, login: str, password: str) -> int | None:
        """The uid when ``password`` (or an API key of that user) is right, else None."""
        return self._credentials.authenticate(login, password)

    def check_credentials(self, uid: int, password: str) -> None:
        """``AccessDenied`` unless ``password`` is the password or API key of ``uid``."""
        if not self._credentials.accepts(uid, password):
            raise AccessDenied()

    def uid_for_api_key(self, key: str) -> int | None:
        return self._credentials.uid_for_api_key(key)

    # ---- calls ----------------------------------------------------------------------------

    def execute_kw(
        self, uid: int, model: str, method: str, args: list[Any], kwargs: dict[str, Any] | None
    ) -> CallResult:
        """``object.execute_kw``: positional args (ids first for record methods), kwargs."""
        if args is None:
            args = []
        if not isinstance(args, (list, tuple)):
            raise BadArguments(f"execute_kw() args must be a list, not {type(args).__name__}")
        if kwargs is not None and not isinstance(kwargs, Mapping):
            raise BadArguments(
                f"execute_kw() kwargs must be a dictionary, not {type(kwargs).__name__}"
            )
        named = dict(kwargs or {})
        context = dispatch.check_context(named.pop("context", None))
        return self._run(
            uid, context, lambda env: dispatch.execute_kw(env, model, method, list(args), named)
        )

    def call_json2(self, uid: int, model: str, method: str, body: dict[str, Any]) -> CallResult:
        """``POST /json/2/<model>/<method>``: named arguments, ``ids`` and ``context``."""
        params = dict(body) if isinstance(body, Mapping) else {}
        ids = params.pop("ids", ())
        context = dispatch.check_context(params.pop("context", None))
        return self._run(
            uid, context, lambda env: dispatch.call_json2(env, model, method, ids, params)
        )

    def records(self, model: str) -> list[dict[str, Any]]:
        """Copies of the stored rows of ``model`` by id (for tests and inspection)."""
        with self._lock:
            rows = self._store.tables[model].rows
            return [dict(rows[record_id]) for record_id in sorted(rows)]

    def now(self) -> datetime:
        """The time the next call would start at (naive UTC, as stored)."""
        return self._now()

    # ---- internals ------------------------------------------------------------------------

    def _now(self) -> datetime:
        value = self._clock()
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value

    def _environment(
        self, uid: int, context: dict[str, Any], transaction: Transaction
    ) -> Environment:
        user = USERS_BY_UID.get(uid) if isinstance(uid, int) else None
        if user is None:
            raise AccessDenied()
        return Environment(
            store=self._store,
            registry=REGISTRY,
            rights=self._rights,
            uid=uid,
            groups=effective_groups(user.groups),
            context=context,
            now=self._now(),
            transaction=transaction,
        )

    def _run(
        self, uid: int, context: dict[str, Any], call: Callable[[Environment], Any]
    ) -> CallResult:
        with self._lock:
            transaction = Transaction(Journal(self._store))
            env = self._environment(uid, context, transaction)
            try:
                value = to_wire(call(env))
                posts = webhook_posts(env, transaction.changes)
            except OdooError:
                transaction.journal.rollback()
                raise
            except TypeError as exc:
                transaction.journal.rollback()
                raise BadArguments(str(exc)) from exc
            except ValueError as exc:
                transaction.journal.rollback()
                raise InvalidValue(str(exc)) from exc
            except Exception as exc:
                transaction.journal.rollback()
                raise ServerError(f"{type(exc).__name__}: {exc}") from exc
            transaction.journal.commit()
            return CallResult(value, posts)
