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
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthbridge.sandbox.odoo.orm import Database

from .conftest import FrozenClock

TEXT = st.text(alphabet="abAB_% ", min_size=1, max_size=3)
CHAR_FIELDS = ("name", "email", "city")
PATHS = (
    "parent_id.name",
    "parent_id.city",
    "child_ids.name",
    "child_ids.email",
    "category_id.name",
)
CODE_PATHS = ("country_id.code", "parent_id.country_id.code")
CODES = ("BE", "NL", "US", "FR")
COUNTRIES = (20, 165, 233)
COMPARE = ("<", "<=", ">", ">=")
TEXT_OPS = (
    "=",
    "!=",
    *COMPARE,
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
    "in",
    "not in",
)
DATES = ("2026-01-01", "2026-01-02", "2026-01-03")


# ---- the reference: domain -> SQL -------------------------------------------------------------

TABLES = {"partner": "partner", "country": "country", "category": "category"}
MANY2ONE = {
    ("partner", "parent_id"): "partner",
    ("partner", "country_id"): "country",
    ("category", "parent_id"): "category",
}
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
                return (
                    f"EXISTS (SELECT 1 FROM {target} {sub} "
                    f"WHERE {sub}.id = {alias}.{head} AND {inner})"
                )
            if head == "child_ids":
                inner = self.leaf("partner", sub, rest, op, value)
                return (
                    f"EXISTS (SELECT 1 FROM partner {sub} "
                    f"WHERE {sub}.parent_id = {alias}.id AND {inner})"
                )
            inner = self.leaf("category", sub, rest, op, value)
            return (
                f"EXISTS (SELECT 1 FROM partner_category pc{sub} "
                f"JOIN category {sub} ON {sub}.id = pc{sub}.category_id "
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
            return (
                f"{column} = {self.bind(value)}" if op == "=" else f"{column} != {self.bind(value)}"
            )
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
            step = (
                "SELECT p.parent_id FROM partner p JOIN tree ON p.id = tree.id "
                "WHERE p.parent_id IS NOT NULL"
            )
        return (
            f"{alias}.id IN (WITH RECURSIVE tree(id) AS "
            f"(SELECT id FROM partner WHERE id IN ({listing}) UNION {step}) SELECT id FROM tree)"
        )


class Reference:
    """The same rows in SQLite; ``ids(domain)`` runs the SQL translation of a domain."""

    def __init__(self, db: Database) -> None:
        self.connection = sqlite3.connect(":memory:")
        execute = self.connection.execute
        execute("PRAGMA case_sensitive_like = ON")
        execute(
            "CREATE TABLE partner (id INTEGER PRIMARY KEY, name TEXT, email TEXT, city TEXT,"
            " customer_rank INTEGER NOT NULL, partner_latitude REAL NOT NULL,"
            " is_company INTEGER NOT NULL, active INTEGER NOT NULL,"
            " parent_id INTEGER, country_id INTEGER, date TEXT)"
        )
        execute("CREATE TABLE country (id INTEGER PRIMARY KEY, name TEXT, code TEXT)")
        execute("CREATE TABLE category (id INTEGER PRIMARY KEY, name TEXT, parent_id INTEGER)")
        execute("CREATE TABLE partner_category (partner_id INTEGER, category_id INTEGER)")
        for row in db.records("res.partner"):
            execute(
                "INSERT INTO partner VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row["id"],
                    row["name"],
                    row["email"],
                    row["city"],
                    row["customer_rank"],
                    row["partner_latitude"],
                    int(row["is_company"]),
                    int(row["active"]),
                    row["parent_id"],
                    row["country_id"],
                    row["date"].isoformat() if row["date"] else None,
                ),
            )
            self.connection.executemany(
                "INSERT INTO partner_category VALUES (?, ?)",
                [(row["id"], c) for c in row["category_id"]],
            )
        for row in db.records("res.country"):
            execute("INSERT INTO country VALUES (?, ?, ?)", (row["id"], row["name"], row["code"]))
        for row in db.records("res.partner.category"):
            execute(
                "INSERT INTO category VALUES (?, ?, ?)", (row["id"], row["name"], row["parent_id"])
            )

    def ids(self, domain: list[Any]) -> set[int]:
        sql = Sql()
        clause = sql.where(domain)
        query = f"SELECT t0.id FROM partner t0 WHERE {clause}"
        return {row[0] for row in self.connection.execute(query, sql.params)}

    def close(self) -> None:
        self.connection.close()


def reference_ids(db: Database, domain: list[Any], partner_ids: set[int]) -> set[int]:
    reference = Reference(db)
    try:
        return reference.ids(domain) & partner_ids
    finally:
        reference.close()


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


# A fresh database without demo data holds partners 1-6, so the world's partners are 7, 8, ...
# and its three tags 1, 2, 3: the strategies can name ids without looking at the database.
FIRST_PARTNER = 7
IDS = st.sampled_from([*range(FIRST_PARTNER, FIRST_PARTNER + 8), 999_999])
TAG_IDS = st.sampled_from((1, 2, 3))
FALSE = st.just(False)


def _text_leaves(path: str, values: st.SearchStrategy[Any]) -> list[st.SearchStrategy[list[Any]]]:
    leaves = [
        st.builds(lambda v, op=op: [path, op, v], values)
        for op in (*COMPARE, "like", "not like", "ilike", "not ilike", "=like", "=ilike")
    ]
    leaves += [
        st.builds(lambda v, op=op: [path, op, v], st.one_of(values, FALSE)) for op in ("=", "!=")
    ]
    leaves += [
        st.builds(lambda v, op=op: [path, op, v], st.lists(st.one_of(values, FALSE), max_size=3))
        for op in ("in", "not in")
    ]
    return leaves


def _leaf(
    path: str, operators: tuple[str, ...], values: st.SearchStrategy[Any]
) -> st.SearchStrategy[list[Any]]:
    return st.builds(lambda op, v: [path, op, v], st.sampled_from(operators), values)


LEAF = st.one_of(
    *(leaf for field in CHAR_FIELDS + PATHS for leaf in _text_leaves(field, TEXT)),
    *(leaf for path in CODE_PATHS for leaf in _text_leaves(path, st.sampled_from(CODES))),
    _leaf("customer_rank", ("=", "!=", *COMPARE), st.integers(0, 3)),
    _leaf("customer_rank", ("in", "not in"), st.lists(st.integers(0, 3), max_size=3)),
    _leaf("partner_latitude", ("=", "!=", *COMPARE), st.sampled_from((0.0, 1.5, -1.0))),
    _leaf("is_company", ("=", "!="), st.booleans()),
    _leaf("active", ("=", "!="), st.booleans()),
    _leaf("date", ("=", "!=", *COMPARE), st.one_of(st.sampled_from(DATES), FALSE)),
    *(
        _leaf(f, ("=", "!="), st.one_of(IDS, FALSE, st.sampled_from(COUNTRIES)))
        for f in ("parent_id", "country_id")
    ),
    *(
        _leaf(f, ("in", "not in"), st.lists(st.one_of(IDS, FALSE), max_size=3))
        for f in ("parent_id", "country_id")
    ),
    _leaf("category_id", ("=", "!="), st.one_of(TAG_IDS, FALSE)),
    _leaf(
        "category_id", ("in", "not in"), st.lists(st.one_of(TAG_IDS, FALSE), min_size=1, max_size=2)
    ),
    _leaf("id", ("child_of", "parent_of"), st.lists(IDS, min_size=1, max_size=2)),
)

DOMAIN = st.recursive(
    LEAF.map(lambda item: [item]),
    lambda children: st.one_of(
        st.builds(lambda a, b: ["&", *a, *b], children, children),
        st.builds(lambda a, b: ["|", *a, *b], children, children),
        st.builds(lambda a: ["!", *a], children),
        st.builds(lambda a, b: [*a, *b], children, children),
    ),
    max_leaves=5,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    world=st.lists(PARTNER, min_size=1, max_size=8),
    domains=st.lists(DOMAIN, min_size=3, max_size=3),
)
def test_the_evaluator_matches_sql_for_random_records_and_domains(
    world: list[dict[str, Any]], domains: list[list[Any]]
) -> None:
    admin, context = 2, {"active_test": False}
    database = Database("hb_property", demo=False, clock=FrozenClock())
    create = database.execute_kw
    tags = [
        create(admin, "res.partner.category", "create", [{"name": name}], None).value
        for name in ("ab", "Ba", "a_")
    ]
    create(admin, "res.partner.category", "write", [[tags[2]], {"parent_id": tags[0]}], None)
    created: list[int] = []
    for spec in world:
        vals = {k: v for k, v in spec.items() if k not in ("tags", "parent")}
        vals["category_id"] = [(6, 0, [tags[i] for i in spec["tags"]])]
        if spec["parent"] is not None and spec["parent"] < len(created):
            vals["parent_id"] = created[spec["parent"]]
        created.append(create(admin, "res.partner", "create", [vals], None).value)
    assert tags == [1, 2, 3]
    assert created == list(range(FIRST_PARTNER, FIRST_PARTNER + len(world)))
    reference = Reference(database)
    try:
        for domain in domains:
            scoped = [["id", "in", created], *domain]
            found = create(admin, "res.partner", "search", [scoped], {"context": context}).value
            assert set(found) == reference.ids(domain) & set(created), domain
    finally:
        reference.close()


def test_the_reference_itself_sees_null_as_odoo_does() -> None:
    database = Database("hb_reference", demo=False, clock=FrozenClock())
    partner = database.execute_kw(
        2, "res.partner", "create", [{"name": "ref-probe", "date": date(2026, 1, 2)}], None
    ).value
    assert reference_ids(database, [["email", "=", False]], {partner}) == {partner}
    assert reference_ids(database, [["email", "!=", "x"]], {partner}) == {partner}
    assert reference_ids(database, [["email", "<", "x"]], {partner}) == set()
    assert reference_ids(database, ["!", ["email", "<", "x"]], {partner}) == {partner}
    assert reference_ids(database, [["date", ">", "2026-01-01"]], {partner}) == {partner}
