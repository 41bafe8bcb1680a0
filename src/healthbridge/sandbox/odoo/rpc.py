"""The legacy RPC services (common, db, object) that /jsonrpc and /xmlrpc/2 both dispatch to.

The service functions keep Odoo's names and signatures (``exp_login(db, login,
password)`` and so on), so a call with the wrong number of arguments fails with the
same Python TypeError a real server returns. Each call is one transaction in the ORM;
its webhooks come back with the result and are sent by the protocol handler.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from healthbridge.sandbox.odoo.exceptions import AccessDenied
from healthbridge.sandbox.odoo.faults import FaultInjector
from healthbridge.sandbox.odoo.state import CallOutcome, SandboxDatabase, SandboxState
from healthbridge.sandbox.odoo.webhook_sender import Post
from healthbridge.sandbox.odoo.wire_errors import NamedError, database_missing

# db-service methods that need the master password, which the sandbox never accepts.
MASTER_PASSWORD_METHODS = frozenset(
    {
        "create_database",
        "duplicate_database",
        "drop",
        "dump",
        "restore",
        "rename",
        "change_admin_password",
        "migrate_databases",
    }
)


@dataclass(frozen=True, slots=True)
class RpcResult:
    """A result that triggered no webhook (every service but ``object``)."""

    value: Any
    webhooks: Sequence[Post] = ()


async def dispatch_rpc(
    state: SandboxState, service: str, method: str, args: list[Any]
) -> CallOutcome:
    """Run ``service.method(*args)`` as Odoo's dispatch_rpc does, fault rules applied."""
    database = state.database
    if service == "object":
        return await _dispatch_object(database, state.faults, method, args)
    await state.faults.before_call(None, None)
    if service == "common":
        return RpcResult(_dispatch_common(database, method, args))
    if service == "db":
        return RpcResult(_dispatch_db(database, method, args))
    raise KeyError(service)


def _dispatch_common(database: SandboxDatabase, method: str, args: list[Any]) -> Any:
    functions: dict[str, Callable[..., Any]] = {
        "version": exp_version,
        "login": exp_login,
        "authenticate": exp_authenticate,
        "about": exp_about,
    }
    function = functions.get(method)
    if function is None:
        raise NamedError("builtins.Exception", f"Method not found: {method}")
    return functools.partial(function, database)(*args)


def exp_version(database: SandboxDatabase) -> dict[str, Any]:
    """common.version(): the server's version facts."""
    return database.version_info()


def exp_about(database: SandboxDatabase, extended: bool = False) -> Any:
    """common.about(): Odoo's fixed blurb, plus the version when extended."""
    info = "See http://openerp.com"
    return [info, database.version_info()["server_version"]] if extended else info


def exp_login(database: SandboxDatabase, db: str, login: str, password: str) -> int | bool:
    """common.login(): the uid, or False for wrong credentials (an API key works too)."""
    return exp_authenticate(database, db, login, password, {})


def exp_authenticate(
    database: SandboxDatabase, db: str, login: str, password: str, user_agent_env: Any
) -> int | bool:
    """common.authenticate(): the uid, or False (19.0 returns False rather than raising)."""
    del user_agent_env
    _require_database(database, db)
    uid = database.authenticate(login, password)
    return uid if uid is not None else False


def _dispatch_db(database: SandboxDatabase, method: str, args: list[Any]) -> Any:
    functions: dict[str, Callable[..., Any]] = {
        "list": exp_list,
        "server_version": exp_server_version,
        "list_lang": exp_list_lang,
        "db_exist": exp_db_exist,
    }
    function = functions.get(method)
    if function is not None:
        return functools.partial(function, database)(*args)
    if method in MASTER_PASSWORD_METHODS:
        raise AccessDenied
    raise KeyError(f"Method not found: {method}")


def exp_list(database: SandboxDatabase) -> list[str]:
    """db.list(): the one database this sandbox serves."""
    return [database.name]


def exp_server_version(database: SandboxDatabase) -> str:
    """db.server_version(): e.g. "19.0"."""
    return str(database.version_info()["server_version"])


def exp_list_lang(database: SandboxDatabase) -> list[list[str]]:
    """db.list_lang(): the sandbox has English only."""
    del database
    return [["en_US", "English (US)"]]


def exp_db_exist(database: SandboxDatabase, db_name: str) -> bool:
    """db.db_exist(): whether the sandbox serves a database of that name."""
    return bool(db_name == database.name)


async def _dispatch_object(
    database: SandboxDatabase, faults: FaultInjector, method: str, params: list[Any]
) -> CallOutcome:
    """object.execute_kw / object.execute: check the db and credentials, then call the ORM."""
    db, uid, password = params[0], int(params[1]), params[2]
    _require_database(database, db)
    if not password:
        raise AccessDenied
    database.check_credentials(uid, password)
    if method not in ("execute_kw", "execute"):
        raise NameError(f"Method not available {method}")
    model = params[3] if len(params) > 3 and isinstance(params[3], str) else None
    await faults.before_call(model, uid)
    if method == "execute_kw":
        return functools.partial(execute_kw, database, db, uid)(*params[3:])
    return functools.partial(execute, database, db, uid)(*params[3:])


def execute_kw(  # noqa: PLR0917 - Odoo's own positional signature
    database: SandboxDatabase,
    db: str,
    uid: int,
    obj: str,
    method: str,
    args: list[Any],
    kw: dict[str, Any] | None = None,
) -> CallOutcome:
    """object.execute_kw(db, uid, password, model, method, args, kwargs=None)."""
    del db
    return database.execute_kw(uid, obj, method, list(args), dict(kw) if kw else None)


def execute(
    database: SandboxDatabase, db: str, uid: int, obj: str, method: str, *args: Any
) -> CallOutcome:
    """object.execute(db, uid, password, model, method, *args): positional arguments only."""
    del db
    return database.execute_kw(uid, obj, method, list(args), None)


def _require_database(database: SandboxDatabase, db: object) -> None:
    if db != database.name:
        raise database_missing(db)
