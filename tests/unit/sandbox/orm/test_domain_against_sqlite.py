"""Property: the ORM's domain evaluator agrees with the same domain translated to SQL.

Hypothesis makes random partners (names, emails, cities, ranks, coordinates, dates,
companies, parents, countries, tags, archived rows) and random domains over them (every
operator, ``&``/``|``/``!``, dotted paths through many2one and x2many, comparisons with
False, ``child_of``/``parent_of``). The reference is written here, independently of the
evaluator: it translates the domain to SQL with Odoo's NULL conventions (negative
operators also match NULL, ``= False`` is ``IS NULL``, paths are ``EXISTS``) and runs it in
an in-memory SQLite database loaded with the same rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.sandbox.odoo.orm import Database

from .conftest import FrozenClock

TEXT = st.text(alphabet="abAB_% ", min_size=1, max_size=3)
CHAR_FIELDS = ("name", "email", "city")
PATHS = ("parent_id.name", "parent_id.city", "child_ids.name", "child_ids.email", "category_id.name")
CODE_PATHS = ("country_id.code", "parent_id.country_id.code")
CODES = ("BE", "NL", "US", "FR")
COUNTRIES = (20, 165, 233)
COMPARE = ("<", "<=", ">", ">=")
TEXT_OPS = ("=", "!=", *COMPARE, "like", "not like", "ilike", "not ilike", "=like", "=ilike", "in", "not in")
DATES = ("2026-01-01", "2026-01-02", "2026-01-03")


# ---- the reference: domain -> SQL -------------------------------------------------------------

TABLES = {"partner": "partner", "country": "country", "category": "category"}
MANY2ONE = {("partner", "parent_id"): "partner", ("partner", "country_id"): "country", ("category", "parent_id"): "category"}
BOOLEAN = {"is_company", "active"}


class Sql:
    """Translate one domain to a WHERE clause over ``partner`` (aliases t0, t1, ...)."""

    def __init__(self) -> None:
        self.params: list[Any] = []
        self.depth = 0

    def where(self, domain: list[Any], table: str = "partner", alias: str = "t0") -> str:
        terms: list[str] = []
        items = list(domain)

        def expression() -> str:
            item = items.pop(0)
            if item == "&":
                return f"({expression()} AND {expression()})"
            if item == "|":
                return f"({expression()} OR {expression()})"
            if item == "!":
                return f"(NOT {expression()})"
            # Odoo domains are two-valued: a condition on an empty value is false, never NULL,
            # so that "!" is the complement (Odoo pushes negation into NULL-aware operators).
            return f"COALESCE({self.leaf(table, alias, *item)}, 0)"

        while items:
            terms.append(expression())
        return "(" + " AND ".join(terms) + ")" if terms else "1=1"

    def _alias(self) -> str:
        self.depth += 1
        return f"t{self.depth}"

    def leaf(self, table: str, alias: str, path: str, op: str, value: Any) -> str:
        head, _, rest = path.partition(".")
        if rest:
            sub = self._alias()
            if (table, head) in MANY2ONE:
                target = MANY2ONE[(table, head)]
                inner = self.leaf(target, sub, rest, op, value)
                return f"EXISTS (SELECT 1 FROM {target} {sub} WHERE {sub}.id = {alias}.{head} AND {inner})"
            if head == "child_ids":
                inner = self.leaf("partner", sub, rest, op, value)
                return f"EXISTS (SELECT 1 FROM partner {sub} WHERE {sub}.parent_id = {alias}.id AND {inner})"
            inner = self.leaf("category", sub, rest, op, value)
            return (
                f"EXISTS (SELECT 1 FROM partner_category pc{sub} JOIN category {sub} ON {sub}.id = pc{sub}.category_id "
                f"WHERE pc{sub}.partner_id = {alias}.id AND {inner})"
            )
        if head == "category_id":
            return self.many2many(alias, op, value)
        if op in ("child_of", "parent_of"):
            return self.hierarchy(alias, op, value)
        return self.scalar(f"{alias}.{head}", op, value, boolean=head in BOOLEAN)

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return "?"

    def scalar(self, column: str, op: str, value: Any, *, boolean: bool) -> str:
        if boolean:
            value = int(bool(value))
            return f"{column} = {self.bind(value)}" if op == "=" else f"{column} != {self.bind(value)}"
        if op in ("in", "not in"):
            kept = [v for v in value if v is not False]
            listing = ", ".join(self.bind(v) for v in kept)
            if op == "in":
                null = f" OR {column} IS NULL" if len(kept) != len(value) else ""
                return f"({column} IN ({listing}){null})"
            if len(kept) != len(value):
                return f"({column} NOT IN ({listing}) AND {column} IS NOT NULL)"
            return f"({column} NOT IN ({listing}) OR {column} IS NULL)"
        if value is False:
            return {"=": f"{column} IS NULL", "!=": f"{column} IS NOT NULL"}.get(op, "0=1")
        if op == "=":
            return f"{column} = {self.bind(value)}"
        if op == "!=":
            return f"({column} != {self.bind(value)} OR {column} IS NULL)"
        if op in COMPARE:
            return f"{column} {op} {self.bind(value)}"
        pattern = f"%{value}%" if op in ("like", "not like", "ilike", "not ilike") else value
        if "ilike" in op:
            test = f"lower({column}) LIKE lower({self.bind(pattern)})"
        else:
            test = f"{column} LIKE {self.bind(pattern)}"
        if op.startswith("not "):
            return f"(NOT ({test}) OR {column} IS NULL)"
        return f"({column} IS NOT NULL AND {test})"

    def many2many(self, alias: str, op: str, value: Any) -> str:
        values = value if isinstance(value, list) else [value]
        kept = [v for v in values if v is not False]
        linked = f"SELECT 1 FROM partner_category WHERE partner_id = {alias}.id"
        listing = ", ".join(self.bind(v) for v in kept)
        hit = f"EXISTS ({linked} AND category_id IN ({listing}))"
        empty = f"NOT EXISTS ({linked})"
        has_false = len(kept) != len(values)
        if op in ("=", "in"):
            return f"({hit} OR {empty})" if has_false else hit
        return f"(NOT {hit} AND NOT {empty})" if has_false else f"NOT {hit}"

    def hierarchy(self, alias: str, op: str, value: list[int]) -> str:
        listing = ", ".join(self.bind(v) for v in value)
        if op == "child_of":
            step = "SELECT p.id FROM partner p JOIN tree ON p.parent_id = tree.id"
        else:
            step = "SELECT p.parent_id FROM partner p JOIN tree ON p.id = tree.id WHERE p.parent_id IS NOT NULL"
        return (
            f"{alias}.id IN (WITH RECURSIVE tree(id) AS (SELECT id FROM partner WHERE id IN ({listing}) "
            f"UNION {step}) SELECT id FROM tree)"
        )


def reference_ids(db: Database, domain: list[Any], partner_ids: set[int]) -> set[int]:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("PRAGMA case_sensitive_like = ON")
        connection.execute(
            "CREATE TABLE partner (id INTEGER PRIMARY KEY, name TEXT, email TEXT, city TEXT, customer_rank INTEGER NOT NULL,"
            " partner_latitude REAL NOT NULL, is_company INTEGER NOT NULL, active INTEGER NOT NULL,"
            " parent_id INTEGER, country_id INTEGER, date TEXT)"
        )
        connection.execute("CREATE TABLE country (id INTEGER PRIMARY KEY, name TEXT, code TEXT)")
        connection.execute("CREATE TABLE category (id INTEGER PRIMARY KEY, name TEXT, parent_id INTEGER)")
        connection.execute("CREATE TABLE partner_category (partner_id INTEGER, category_id INTEGER)")
        for row in db.records("res.partner"):
            connection.execute(
                "INSERT INTO partner VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row["id"], row["name"], row["email"], row["city"], row["customer_rank"], row["partner_latitude"],
                 int(row["is_company"]), int(row["active"]), row["parent_id"], row["country_id"],
                 row["date"].isoformat() if row["date"] else None),
            )
            connection.executemany("INSERT INTO partner_category VALUES (?, ?)", [(row["id"], c) for c in row["category_id"]])
        for row in db.records("res.country"):
            connection.execute("INSERT INTO country VALUES (?, ?, ?)", (row["id"], row["name"], row["code"]))
        for row in db.records("res.partner.category"):
            connection.execute("INSERT INTO category VALUES (?, ?, ?)", (row["id"], row["name"], row["parent_id"]))
        sql = Sql()
        clause = sql.where(domain)
        found = {row[0] for row in connection.execute(f"SELECT t0.id FROM partner t0 WHERE {clause}", sql.params)}  # noqa: S608
    finally:
        connection.close()
    return found & partner_ids


# ---- random worlds and domains -----------------------------------------------------------------

PARTNER = st.fixed_dictionaries(
    {
        "name": TEXT,
        "email": st.one_of(st.just(False), TEXT),
        "city": st.one_of(st.just(False), TEXT),
        "customer_rank": st.integers(0, 3),
        "partner_latitude": st.sampled_from((0.0, 1.5, -2.25)),
        "is_company": st.booleans(),
        "active": st.booleans(),
        "country_id": st.one_of(st.just(False), st.sampled_from(COUNTRIES)),
        "date": st.one_of(st.just(False), st.sampled_from(DATES)),
        "tags": st.lists(st.integers(0, 2), max_size=2, unique=True),
        "parent": st.one_of(st.none(), st.integers(0, 7)),
    }
)


def leaves(partners: list[int], tags: list[int]) -> st.SearchStrategy[list[Any]]:
    ids = st.sampled_from([*partners, 999_999])
    text_or_false = st.one_of(TEXT, st.just(False))

    def text_leaf(path: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
        return st.sampled_from(TEXT_OPS).flatmap(
            lambda op: st.lists(st.one_of(values, st.just(False)), max_size=3).map(lambda v: [path, op, v])
            if op in ("in", "not in")
            else (st.one_of(values, st.just(False)) if op in ("=", "!=") else values).map(lambda v: [path, op, v])
        )

    relation_value = {"in": st.lists(st.one_of(ids, st.just(False)), max_size=3), "not in": st.lists(ids, max_size=3)}
    return st.one_of(
        st.sampled_from(CHAR_FIELDS).flatmap(lambda f: text_leaf(f, TEXT)),
        st.sampled_from(PATHS).flatmap(lambda p: text_leaf(p, TEXT)),
        st.sampled_from(CODE_PATHS).flatmap(lambda p: text_leaf(p, st.sampled_from(CODES))),
        st.tuples(st.sampled_from(("=", "!=", *COMPARE)), st.integers(0, 3)).map(lambda t: ["customer_rank", *t]),
        st.tuples(st.sampled_from(("in", "not in")), st.lists(st.integers(0, 3), max_size=3)).map(
            lambda t: ["customer_rank", *t]
        ),
        st.tuples(st.sampled_from(("=", "!=", *COMPARE)), st.sampled_from((0.0, 1.5, -1.0))).map(
            lambda t: ["partner_latitude", *t]
        ),
        st.tuples(st.sampled_from(("is_company", "active")), st.sampled_from(("=", "!=")), st.booleans()).map(list),
        st.tuples(st.sampled_from(("=", "!=", *COMPARE)), st.one_of(st.sampled_from(DATES), st.just(False))).map(
            lambda t: ["date", *t]
        ),
        st.tuples(st.sampled_from(("parent_id", "country_id")), st.sampled_from(("=", "!=")), st.one_of(ids, st.just(False), st.sampled_from(COUNTRIES))).map(list),
        st.tuples(st.sampled_from(("parent_id", "country_id")), st.sampled_from(("in", "not in"))).flatmap(
            lambda t: relation_value[t[1]].map(lambda v: [t[0], t[1], v])
        ),
        st.tuples(
            st.sampled_from(("=", "!=", "in", "not in")), st.lists(st.one_of(st.sampled_from(tags), st.just(False)), min_size=1, max_size=2)
        ).map(lambda t: ["category_id", t[0], t[1] if t[0] in ("in", "not in") else t[1][0]]),
        st.tuples(st.sampled_from(("child_of", "parent_of")), st.lists(ids, min_size=1, max_size=2)).map(
            lambda t: ["id", *t]
        ),
    )


def domains(partners: list[int], tags: list[int]) -> st.SearchStrategy[list[Any]]:
    leaf = leaves(partners, tags).map(lambda item: [item])
    tree = st.recursive(
        leaf,
        lambda children: st.one_of(
            st.tuples(children, children).map(lambda t: ["&", *t[0], *t[1]]),
            st.tuples(children, children).map(lambda t: ["|", *t[0], *t[1]]),
            children.map(lambda c: ["!", *c]),
            st.tuples(children, children).map(lambda t: [*t[0], *t[1]]),
        ),
        max_leaves=6,
    )
    return tree


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), world=st.lists(PARTNER, min_size=1, max_size=8))
def test_the_evaluator_matches_sql_for_random_records_and_domains(data: st.DataObject, world: list[dict[str, Any]]) -> None:
    admin, context = 2, {"active_test": False}
    database = Database("hb_property", demo=False, clock=FrozenClock())
    tags = [database.execute_kw(admin, "res.partner.category", "create", [{"name": name}], None).value for name in ("ab", "Ba", "a_")]
    database.execute_kw(admin, "res.partner.category", "write", [[tags[2]], {"parent_id": tags[0]}], None)
    created: list[int] = []
    for spec in world:
        vals = {k: v for k, v in spec.items() if k not in ("tags", "parent")}
        vals["category_id"] = [(6, 0, [tags[i] for i in spec["tags"]])]
        if spec["parent"] is not None and spec["parent"] < len(created):
            vals["parent_id"] = created[spec["parent"]]
        created.append(database.execute_kw(admin, "res.partner", "create", [vals], None).value)
    everyone = set(created)
    for _ in range(5):
        domain = data.draw(domains(created, tags), label="domain")
        scoped = [["id", "in", created], *domain]
        found = database.execute_kw(admin, "res.partner", "search", [scoped], {"context": context}).value
        assert set(found) == reference_ids(database, domain, everyone), domain


def test_the_reference_itself_sees_null_as_odoo_does() -> None:
    database = Database("hb_reference", demo=False, clock=FrozenClock())
    partner = database.execute_kw(2, "res.partner", "create", [{"name": "ref-probe", "date": date(2026, 1, 2)}], None).value
    assert reference_ids(database, [["email", "=", False]], {partner}) == {partner}
    assert reference_ids(database, [["email", "!=", "x"]], {partner}) == {partner}
    assert reference_ids(database, [["email", "<", "x"]], {partner}) == set()
    assert reference_ids(database, ["!", ["email", "<", "x"]], {partner}) == {partner}
    assert reference_ids(database, [["date", ">", "2026-01-01"]], {partner}) == {partner}
