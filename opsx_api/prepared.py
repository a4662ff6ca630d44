"""Read-only statements of hot list paths, planned once per connection.

Planning a list query costs PostgreSQL more than running it (0.1-0.5 ms
against 0.05-0.2 ms for a page), and psycopg2 has no server-side statements of
its own. So on PostgreSQL a `ReadQuery` is sent once per pooled connection as
`PREPARE` and run with `EXECUTE`, on the autocommit reader pool (outside the
request's transaction, like `db.read_one`). Those connections use generic
plans (`plan_cache_mode`): the statements are written so one plan fits every
value (see services/prospects/listing.py). Rows come back as named tuples
(attribute access in C, no ORM objects, no type processing), timestamps in UTC.

Named prepared statements need session-level pooling: behind PgBouncer, use
session mode, not transaction mode.

On SQLite a `ReadQuery` is an ordinary Core query on the reader.
"""

import hashlib
import re
from collections import namedtuple
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.exc import ProgrammingError

from opsx_api import db

_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")
_SESSION_SETUP = "SET plan_cache_mode = force_generic_plan; SET TIME ZONE 'UTC'"


class ReadQuery:
    """One SELECT with named bind parameters, run as a prepared statement."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._postgresql: tuple[str, str, str, list[str]] | None = None
        self._defaults: dict[str, Any] = {}
        self._make_row: Callable[[Any], Any] | None = None

    def all(self, params: dict[str, Any]) -> list[Any]:
        database = db.get_db()
        with database.reader.connect() as connection:
            if database.dialect != "postgresql":
                return list(connection.execute(self.statement, params).all())
            return self._execute(connection, params)

    def _execute(self, connection: Connection, params: dict[str, Any]) -> list[Any]:
        name, prepare, execute, order = self._compiled(connection)
        values = self._defaults | params
        arguments = tuple(values[key] for key in order)
        prepared = connection.connection.info.get("opsx_prepared")
        if prepared is None:
            connection.exec_driver_sql(_SESSION_SETUP)
            prepared = connection.connection.info["opsx_prepared"] = set()
        if name not in prepared:
            connection.exec_driver_sql(prepare)
            prepared.add(name)
        try:
            result = connection.exec_driver_sql(execute, arguments)
        except ProgrammingError:
            # E.g. a pooler's DISCARD ALL dropped it: prepare again next time.
            prepared.clear()
            raise
        with result:
            if self._make_row is None:
                names = tuple(column[0] for column in result.cursor.description)
                self._make_row = _row_type(names)._make
            return list(map(self._make_row, result.cursor.fetchall()))

    def _compiled(self, connection: Connection) -> tuple[str, str, str, list[str]]:
        if self._postgresql is None:
            compiled = self.statement.compile(dialect=connection.dialect)
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


def _row_type(names: tuple[str, ...]) -> Any:
    """A named-tuple class for a result's columns (known only at run time)."""
    make: Any = namedtuple
    return make("Row", names)
