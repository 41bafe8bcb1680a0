"""Search domains: Odoo's prefix notation parsed into a small tree.

``[A, B]`` means ``A and B``; ``"&"``, ``"|"`` take the next two terms and ``"!"`` the next
one. A leaf is ``(path, operator, value)`` given as a list or a tuple; ``(1, "=", 1)`` and
``(0, "=", 1)`` (and the bare ``[1]``/``[0]``) are the true and false leaves. The tree is
evaluated by :mod:`.evaluation`; this module only checks the shape, so that a malformed
domain fails with a clear ``builtins.ValueError`` before anything is searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from healthbridge.sandbox.odoo.exceptions import InvalidDomain

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "=?",
        "in",
        "not in",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "=like",
        "not =like",
        "=ilike",
        "not =ilike",
        "child_of",
        "parent_of",
        "any",
        "not any",
    }
)
NEGATIVE = frozenset({"!=", "not in", "not like", "not ilike", "not =like", "not =ilike"})
POSITIVE_OF = {
    "!=": "=",
    "not in": "in",
    "not like": "like",
    "not ilike": "ilike",
    "not =like": "=like",
    "not =ilike": "=ilike",
}
LIKE = frozenset({"like", "ilike", "=like", "=ilike"})


@dataclass(frozen=True, slots=True)
class Leaf:
    """One condition; ``source`` is the leaf as given, for error messages."""

    path: str
    operator: str
    value: Any
    source: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


Node = Leaf | And | Or | Not | Const
TRUE = Const(value=True)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _constant(item: Any) -> Const | None:
    if isinstance(item, bool):
        return Const(item)
    if isinstance(item, (list, tuple)):
        if len(item) == 1 and item[0] in (0, 1) and not isinstance(item[0], str):
            return Const(bool(item[0]))
        if (
            len(item) == 3
            and item[1] == "="
            and item[2] == 1
            and item[0] in (0, 1)
            and not isinstance(item[0], (str, bool))
        ):
            return Const(bool(item[0]))
    return None


def _leaf(item: Any) -> Node:
    constant = _constant(item)
    if constant is not None:
        return constant
    if not isinstance(item, (list, tuple)) or len(item) != 3:
        raise InvalidDomain(f"Invalid domain term {item!r}")
    path, operator, value = item
    source = (path, operator, _freeze(value))
    if not isinstance(path, str) or not path:
        raise InvalidDomain(f"Invalid field {path!r} in condition {source!r}")
    if not isinstance(operator, str) or operator.lower() not in OPERATORS:
        raise InvalidDomain(f"Invalid operator {operator!r} in condition {source!r}")
    return Leaf(path, operator.lower(), value, source)


def parse_domain(domain: Any) -> Node:
    """The tree of ``domain``; ``InvalidDomain`` when it is not a well-formed prefix domain."""
    if domain is None or domain is False:
        return TRUE
    if not isinstance(domain, (list, tuple)):
        raise InvalidDomain(f"Invalid domain {domain!r}: a domain is a list of conditions")
    items = list(domain)
    position = 0

    def expression() -> Node:
        nonlocal position
        if position >= len(items):
            raise InvalidDomain(f"Domain {domain!r} is syntactically not correct.")
        item = items[position]
        position += 1
        if isinstance(item, str) and item in ("&", "|"):
            left = expression()
            right = expression()
            return And((left, right)) if item == "&" else Or((left, right))
        if isinstance(item, str) and item == "!":
            return Not(expression())
        if isinstance(item, str):
            raise InvalidDomain(f"Invalid domain term {item!r}")
        return _leaf(item)

    terms: list[Node] = []
    while position < len(items):
        terms.append(expression())
    if not terms:
        return TRUE
    return terms[0] if len(terms) == 1 else And(tuple(terms))


def mentions(node: Node, path: str) -> bool:
    """True when a leaf of ``node`` is about exactly ``path`` (Odoo's ``active`` test)."""
    if isinstance(node, Leaf):
        return node.path == path
    if isinstance(node, (And, Or)):
        return any(mentions(child, path) for child in node.children)
    if isinstance(node, Not):
        return mentions(node.child, path)
    return False


def conjunction(*nodes: Node) -> Node:
    """``A and B``, dropping true constants."""
    kept = tuple(node for node in nodes if node != TRUE)
    if not kept:
        return TRUE
    return kept[0] if len(kept) == 1 else And(kept)
