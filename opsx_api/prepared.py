"""Read-only statements of hot list paths, planned once per connection.

Planning a list query costs PostgreSQL more than running it (0.1-0.5 ms
against 0.05-0.2 ms for a page), and psycopg2 has no server-side statements of
its own. So on PostgreSQL a `ReadQuery` is sent once per pooled connection as
`PREPARE` and run with `EXECUTE` on the driver's cursor, on the autocommit
reader pool (outside the request's transaction, like `db.read_one`): one
connection per request (`db.reader_connection`), for its session check and
its page. Those connections use generic plans (`plan_cache_mode`): the
statements are written so one plan fits every value (see
services/prospects/listing.py). Rows come back as named tuples
(attribute access in C, no ORM objects, no type processing), timestamps in UTC.

Named prepared statements need session-level pooling: behind PgBouncer, use
session mode, not transaction mode. A `DISCARD ALL` between clients (session
mode's reset) costs the next read one re-prepare, not an error.

On SQLite a `ReadQuery` is an ordinary Core query on the reader.

Rows that go straight to JSON (a prospect page) need not be parsed at all:
`as_text(column)` has PostgreSQL send a UUID or JSON column as its text
(psycopg2 then builds no `uuid.UUID` and runs no `json.loads`), and a
`ReadQuery(..., fragments=(...))` hands those JSON columns on as
`orjson.Fragment`, embedded in the answer as they are; `as_iso(column)` sends
a timestamp as the ISO 8601 text the answer carries. On SQLite all three are
the column itself, read as usual.
"""

import hashlib
import re
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from opsx_api import db

_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")
_PREPARED = "opsx_prepared"
_STATEMENT_UNKNOWN = "26000"  # invalid_sql_statement_name
_SESSION_SETUP = "SET plan_cache_mode = force_generic_plan; SET TIME ZONE 'UTC'"


class ReadQuery:
    """One SELECT with named bind parameters, run as a prepared statement."""

    def __init__(
        self, statement: Select[Any], *, fragments: tuple[str, ...] = ()
    ) -> None:
        """`fragments`: columns read `as_text` whose JSON is passed on unparsed."""
        self.statement = statement
        self.fragments = fragments
        self._postgresql: tuple[str, str, str, list[str]] | None = None
        self._defaults: dict[str, Any] = {}
        self._make_row: Callable[[Any], Any] | None = None

    def all(self, params: dict[str, Any]) -> list[Any]:
        database = db.get_db()
        if database.dialect != "postgresql":
            with database.reader.connect() as connection:
                return list(connection.execute(self.statement, params).all())
        return self._execute(db.reader_connection(), database.reader.dialect, params)

    def _execute(
        self, connection: PoolProxiedConnection, dialect: Dialect, params: dict
    ) -> list[Any]:
        """On the driver's cursor: SQLAlchemy's execution context costs more
        per statement (~0.1 ms) than PostgreSQL takes to answer the session
        check, and nothing here needs it (no type processing, no ORM)."""
        name, prepare, execute, order = self._compiled(dialect)
        values = self._defaults | params
        arguments = tuple(values[key] for key in order)
        dbapi_error = dialect.loaded_dbapi.Error
        cursor = connection.cursor()
        try:
            try:
                _prepare(cursor, connection.info, name, prepare)
                cursor.execute(execute, arguments)
            except dbapi_error as exc:
                if getattr(exc, "pgcode", None) != _STATEMENT_UNKNOWN:
                    raise
                # A pooler's DISCARD ALL dropped our statements and settings:
                # the connection is fine and this only reads, so set it up
                # again and run the statement once more.
                connection.info.pop(_PREPARED, None)
                _prepare(cursor, connection.info, name, prepare)
                cursor.execute(execute, arguments)
            rows = cursor.fetchall()
            if self._make_row is None:
                names = tuple(column[0] for column in cursor.description)
                self._make_row = _row_maker(names, self.fragments)
        except dbapi_error as exc:
            raise db.reader_error(exc, execute) from exc
        finally:
            cursor.close()
        return list(map(self._make_row, rows))

    def _compiled(self, dialect: Dialect) -> tuple[str, str, str, list[str]]:
        if self._postgresql is None:
            compiled = self.statement.compile(dialect=dialect)
            order: list[str] = []

            def positional(match: re.Match[str]) -> str:
                key = match.group(1)
                if key is None:
                    return "%"
                if key not in order:
                    order.append(key)
                return f"${order.index(key) + 1}"

            sql = _PLACEHOLDER.sub(positional, compiled.string)
            name = "opsx_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
            placeholders = ", ".join(["%s"] * len(order))
            self._defaults = {
                key: value
                for key, value in compiled.params.items()
                if value is not None
            }
            self._postgresql = (
                name,
                f"PREPARE {name} AS {sql}",
                f"EXECUTE {name}({placeholders})" if order else f"EXECUTE {name}",
                order,
            )
        return self._postgresql


def _prepare(cursor: Any, info: dict, name: str, prepare: str) -> None:
    """The connection's settings, then the statement, each once per connection."""
    prepared = info.get(_PREPARED)
    if prepared is None:
        cursor.execute(_SESSION_SETUP)
        prepared = info[_PREPARED] = set()
    if name not in prepared:
        cursor.execute(prepare)
        prepared.add(name)


def _row_maker(names: tuple[str, ...], fragments: tuple[str, ...]) -> Any:
    """Rows as named tuples, the `fragments` columns wrapped, in one generated call."""
    make = _row_type(names)._make
    if not fragments:
        return make
    values = ", ".join(
        f"None if v[{i}] is None else _fragment(v[{i}])"
        if name in fragments
        else f"v[{i}]"
        for i, name in enumerate(names)
    )
    namespace: dict[str, Any] = {"_make": make, "_fragment": orjson.Fragment}
    exec(f"def row(v):\n    return _make(({values},))", namespace)  # noqa: S102
    return namespace["row"]


class _ReadOnPostgresql(ColumnElement[Any]):
    """A column PostgreSQL sends in another form; elsewhere the column itself.

    Its type stays the column's: only `ReadQuery`'s driver cursor reads these
    on PostgreSQL (no type processing), and SQLite reads the column as usual.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


class as_text(_ReadOnPostgresql):  # noqa: N801 (used like a SQL function)
    """`column` as PostgreSQL's text of it."""

    inherit_cache = True  # each subclass says so, or SQLAlchemy compiles it every time


class as_iso(_ReadOnPostgresql):  # noqa: N801 (used like a SQL function)
    """A timestamptz as `datetime.isoformat()` writes it in UTC.

    PostgreSQL formats it (`to_char`), so psycopg2 builds no datetime and no
    tzinfo per value: two timestamps a row were ~40% of a page's `fetchall`.
    isoformat leaves out a zero fraction ("...:05+00:00"), hence the replace.
    tests/prospects/test_prospects_render.py checks it against isoformat.
    """

    inherit_cache = True


_ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


@compiles(as_text, "postgresql")
def _as_text_postgresql(element: as_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.column, **kw)} AS TEXT)"


@compiles(as_iso, "postgresql")
def _as_iso_postgresql(element: as_iso, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.column, **kw)
    text = f"to_char({moment} AT TIME ZONE 'UTC', '{_ISO_UTC}')"
    return f"replace({text}, '.000000+', '+')"


@compiles(as_text)
@compiles(as_iso)
def _the_column(element: _ReadOnPostgresql, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


def _row_type(names: tuple[str, ...]) -> Any:
    """A named-tuple class for a result's columns (known only at run time)."""
    make: Any = namedtuple
    return make("Row", names)
