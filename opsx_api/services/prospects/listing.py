"""Listing and searching prospects: keyset pages, newest first, no ORM objects.

Every shape of the list query is built once, with bind parameters, and run as
a prepared statement (`opsx_api.prepared`). What `q` matches is defined in
`opsx_api.search`; how a search is answered:

1. Walk the newest `PROBE_ROWS` rows (the newest-first index) and keep the
   matches. A common term fills the page here and is done.
2. The probe's hit rate says how common the term is. At `MIN_PROBE_HITS` or
   more, walk far enough back to fill the page at that rate (bounded by
   `WALK_MAX_ROWS`).
3. Otherwise (a rare term, or one whose matches are all old) ask the trigram
   index on `search_text` (`search_joined` for a term with separators) for
   every match and sort them: few rows to sort, because a term common among
   the newest rows never gets here.

Each step answers exactly when it returns a full page; step 3 always does.
Measured shapes: docs/decisions/prospects.md.
"""

import math
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    tuple_,
)

from models import Prospect
from opsx_api.pagination import Page, decode_cursor, page_from
from opsx_api.prepared import ReadQuery, as_iso, as_text
from opsx_api.search import ProspectSearch, prospect_search

PROBE_ROWS = 500
MIN_PROBE_HITS = 5
WALK_MAX_ROWS = 20_000

_TABLE = Prospect.__table__
_C = _TABLE.c
# What a listed prospect shows (ProspectSchema), plus what a search reads.
LISTED = (
    _C.id,
    _C.name,
    _C.phone,
    _C.email,
    _C.status,
    _C.assigned_to,
    _C.address,
    _C.lat,
    _C.lng,
    _C.fields,
    _C.external_id,
    _C.version,
    _C.created_by,
    _C.created_at,
    _C.updated_at,
)
SEARCHED = (_C.name, _C.phone, _C.email)
# What the renderer takes as it comes: UUIDs as text, custom fields as their
# JSON (opsx_api/prepared.py; on PostgreSQL only, SQLite reads them as usual).
AS_TEXT = ("id", "assigned_to", "created_by", "fields")
FRAGMENTS = ("fields",)
AS_ISO = ("created_at", "updated_at")  # ISO 8601 text, as the answer has them
_KEYS = ("created_at", "id")
Filters = tuple[str, ...]
_QUERIES: dict[tuple[str, Filters, str | None], ReadQuery] = {}


def list_prospects(
    client_id: uuid.UUID, args: dict[str, Any], *, user_id: uuid.UUID
) -> Page:
    """A page of live prospects (result rows), newest first: `q`, `status`, ..."""
    limit = args["limit"]
    values: dict[str, Any] = {"client_id": client_id, "limit": limit + 1}
    filters: list[str] = []
    if args.get("status"):
        values["status"] = args["status"]
        filters.append("status")
    assignee = args.get("assigned_to")
    if assignee == "none":
        filters.append("unassigned")
    elif assignee is not None:
        values["assignee"] = user_id if assignee == "me" else assignee
        filters.append("assignee")
    if args.get("cursor"):
        after = decode_cursor(args["cursor"], (datetime, uuid.UUID))
        values["after_at"], values["after_id"] = after
        filters.append("cursor")
    search = prospect_search(args.get("q"))
    if search is None:
        rows = _query("page", tuple(filters), None).all(values)
    else:
        values["folded"] = search.folded
        if search.literal:
            values["literal"] = search.literal
        if search.joined:
            values["joined"] = search.joined
        rows = _search(tuple(filters), search, values)
    return page_from(rows, limit, _KEYS)


def _search(
    filters: Filters, search: ProspectSearch, values: dict[str, Any]
) -> list[Any]:
    full: int = values["limit"]
    walk = _query("walk", filters, search.shape)
    rows = walk.all(values | {"walk": PROBE_ROWS})
    if len(rows) >= full:
        return rows
    if len(rows) >= MIN_PROBE_HITS:
        span = math.ceil(PROBE_ROWS * full / len(rows) * 1.5)
        rows = walk.all(values | {"walk": min(span, WALK_MAX_ROWS)})
        if len(rows) >= full:
            return rows
    return _query("index", filters, search.shape).all(values)


def _query(kind: str, filters: Filters, shape: str | None) -> ReadQuery:
    key = (kind, filters, shape)
    query = _QUERIES.get(key)
    if query is None:
        statement = _build(kind, filters, shape)
        query = _QUERIES[key] = ReadQuery(statement, fragments=FRAGMENTS)
    return query


def _param(name: str, column: ColumnElement[Any]) -> BindParameter[Any]:
    return bindparam(name, type_=column.type)


def _conditions(filters: Filters, c: Any = _C) -> list[ColumnElement[bool]]:
    conditions = [c.client_id == _param("client_id", c.client_id)]
    conditions.append(c.deleted_at.is_(None))
    if "status" in filters:
        conditions.append(c.status == _param("status", c.status))
    if "unassigned" in filters:
        conditions.append(c.assigned_to.is_(None))
    if "assignee" in filters:
        conditions.append(c.assigned_to == _param("assignee", c.assigned_to))
    if "cursor" in filters:
        after = (_param("after_at", c.created_at), _param("after_id", c.id))
        conditions.append(tuple_(c.created_at, c.id) < tuple_(*after))
    return conditions


def _matches(
    shape: str | None, c: Any = _C, *, indexed: bool = False
) -> ColumnElement[bool]:
    """The term's conditions; `indexed`: the index step's, which may use search_joined.

    A walk filters rows it has already read: the folded column is the cheap
    first check there. The index step asks a trigram index for candidates:
    search_joined's, whose trigrams cross separators, when the term has one.
    """
    candidates: ColumnElement[bool] = c.search_text.like(
        bindparam("folded"), escape="\\"
    )
    if shape == "folded":
        return candidates
    if shape == "joined" and indexed:
        candidates = c.search_joined.like(bindparam("joined"), escape="\\")
    literal: BindParameter[str] = bindparam("literal")
    columns = (c.name, c.phone, c.email)
    return and_(
        candidates, or_(*(func.lower(x).like(literal, escape="\\") for x in columns))
    )


def _output(c: Any = _C) -> list[ColumnElement[Any]]:
    """LISTED's columns of `c` as a page's rows carry them (AS_TEXT, AS_ISO)."""
    return [_read_as(column.key, c[column.key]) for column in LISTED]


def _read_as(key: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
    if key in AS_TEXT:
        return as_text(column).label(key)
    if key in AS_ISO:
        return as_iso(column).label(key)
    return column


def _newest_first(c: Any = _C) -> tuple[ColumnElement[Any], ...]:
    return (c.created_at.desc(), c.id.desc())


def _build(kind: str, filters: Filters, shape: str | None) -> Select[Any]:
    limit: BindParameter[int] = bindparam("limit")
    if kind == "page":
        stmt = select(*_output()).where(*_conditions(filters))
        return stmt.order_by(*_newest_first()).limit(limit)
    if kind == "walk":
        newest = (
            select(*LISTED, _C.search_text)
            .where(*_conditions(filters))
            .order_by(*_newest_first())
            .limit(bindparam("walk"))
            .subquery("newest")
        )
        stmt = select(*_output(newest.c)).where(_matches(shape, newest.c))
        return stmt.order_by(*_newest_first(newest.c)).limit(limit)
    # Every match's key first, then the newest of them, then their rows: a
    # CTE the planner cannot fold into a walk of the newest-first index (steps
    # 1 and 2 did that), and only two columns per match to sort.
    hits = (
        select(_C.id, _C.created_at)
        .where(*_conditions(filters), _matches(shape, indexed=True))
        .cte("hits")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    newest = (
        select(hits.c.id)
        .order_by(*_newest_first(hits.c))
        .limit(limit)
        .subquery("newest")
    )
    stmt = select(*_output()).join_from(_TABLE, newest, _C.id == newest.c.id)
    return stmt.order_by(*_newest_first())
