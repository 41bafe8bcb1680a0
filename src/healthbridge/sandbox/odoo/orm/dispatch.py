"""Calling a model method the two ways Odoo 19 does: positional ``execute_kw`` and JSON-2.

``execute_kw`` follows ``odoo.service.model.call_kw``: model-level methods get ``args`` as
is; record methods take their ids from ``args[0]``; ``create`` with one dict answers one
id. JSON-2 follows ``addons/rpc/controllers/json2.py``: named parameters only, ids from the
body, ``inspect.Signature.bind`` first (a missing or unknown argument is a 422
``UnprocessableEntity`` with Python's own text), then the call (so ``search_read``'s
``**read_kwargs`` fail later, inside ``BaseModel._read_format``, as a 500 ``TypeError``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from healthbridge.sandbox.odoo.exceptions import (
    AccessError,
    BadArguments,
    MissingIds,
    UnknownMethod,
    UnknownModel,
    UnprocessableEntity,
    UserError,
)
from healthbridge.sandbox.odoo.orm.fields import ids_of
from healthbridge.sandbox.odoo.orm.model import BaseModel

if TYPE_CHECKING:
    from healthbridge.sandbox.odoo.orm.environment import Environment

INSTALLED_LANGUAGES = frozenset({"en_US"})


def model_class(env: Environment, model: str) -> type[BaseModel]:
    """The class of ``model``; ``UnknownModel`` when it is not in the registry."""
    cls = env.registry.get(model) if isinstance(model, str) else None
    if cls is None:
        raise UnknownModel(str(model))
    return cls


def public_method(cls: type[BaseModel], name: str) -> Callable[..., Any]:
    """Odoo's ``get_public_method``: private names refused, unknown ones reported."""
    if not isinstance(name, str) or name.startswith("_"):
        raise AccessError(
            f"Private methods (such as '{cls._name}.{name}') cannot be called remotely."
        )
    owner = next((klass for klass in cls.__mro__ if name in vars(klass)), None)
    method = getattr(cls, name, None)
    if owner is None or not issubclass(owner, BaseModel) or not inspect.isfunction(method):
        raise UnknownMethod(cls._name, name)
    if getattr(method, "_api_private", False):
        raise AccessError(
            f"Private methods (such as '{cls._name}.{name}') cannot be called remotely."
        )
    return method


def check_context(context: Any) -> dict[str, Any]:
    """The call's context as a dict (``None`` and ``{}`` alike)."""
    if not context:
        return {}
    if not isinstance(context, Mapping):
        raise BadArguments(f"context must be a dictionary, not {type(context).__name__}")
    return dict(context)


def _check_language(env: Environment) -> None:
    lang = env.context.get("lang")
    if lang and lang not in INSTALLED_LANGUAGES:
        raise UserError(f"Invalid language code: {lang}")


def _record_ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple)):
        return ids_of(value)
    if value is None or value is False:
        return []
    raise BadArguments(f"Invalid ids {value!r}")


def _call(
    method: Callable[..., Any], records: BaseModel, args: list[Any], kwargs: dict[str, Any]
) -> Any:
    _check_language(records.env)
    try:
        return method(records, *args, **kwargs)
    except TypeError as exc:
        raise BadArguments(str(exc)) from exc


def execute_kw(
    env: Environment, model: str, name: str, args: list[Any], kwargs: dict[str, Any]
) -> Any:
    """Run ``model.name(*args, **kwargs)`` as ``execute_kw`` does; the raw Python result."""
    cls = model_class(env, model)
    method = public_method(cls, name)
    args = list(args)
    if getattr(method, "_api_model", False):
        records = cls(env, ())
    else:
        if not args:
            raise MissingIds("list index out of range")
        records = cls(env, _record_ids(args[0]))
        args = args[1:]
    result = _call(method, records, args, kwargs)
    if name == "create" and isinstance(result, BaseModel):
        first = args[0] if args else kwargs.get("vals_list")
        if isinstance(first, Mapping):
            return result.ids[0] if result.ids else False
    return result


def call_json2(env: Environment, model: str, name: str, ids: Any, params: dict[str, Any]) -> Any:
    """Run ``model.name(**params)`` on ``ids`` as the JSON-2 controller does."""
    cls = model_class(env, model)
    method = public_method(cls, name)
    record_ids = _record_ids(ids)
    if getattr(method, "_api_model", False) and record_ids:
        raise UnprocessableEntity(f"cannot call {model}.{name} with ids")
    records = cls(env, record_ids)
    try:
        inspect.signature(method).bind(records, **params)
    except TypeError as exc:
        raise UnprocessableEntity(str(exc.args[0])) from exc
    return _call(method, records, [], params)
