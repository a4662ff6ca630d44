"""The text a prospect search looks in: name, phone and email, folded once.

`search_text` is a generated column: `' '` + name, phone and email (joined by
spaces), lower-cased, with every separator turned into a space. A word then
always follows a space, so "a word starts with `ad`" is `LIKE '% ad%'`, and
one trigram index on the column answers both that and substring searches.

`search_joined` is the same text with the separators removed instead. pg_trgm
splits words at separators, so on `search_text` a term like
`edsger.dijkstra.5` only asks for rows with the words `edsger` and `dijkstra`
and a word starting with `5`: trigrams that cross a separator (`ra5`) are
lost, and with them the selectivity of e-mail addresses and phone numbers.
Its own trigram index keeps them; a term with separators is looked up there
and rechecked literally (opsx_api/search.py).

The database computes both on every write (bulk inserts included), so no code
path can forget them; reads never evaluate the folding.

PostgreSQL folds with `lower()` and `translate()`. SQLite has no
`translate()` (and its parser overflows on forty nested `replace()`), so every
SQLite connection gets `opsx_fold()`, the same folding in Python, registered
by the engine listener below.
"""

import sqlite3
from typing import Any

from sqlalchemy import Text, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

# Characters that separate words: ASCII spaces and punctuation, and the few
# non-ASCII ones phones type for you (no-break space, dashes, curly quotes).
SEPARATORS = (
    " \t\n\r!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d"
)
_JOINED = "name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')"
_CONCATENATED = "name || coalesce(phone, '') || coalesce(email, '')"


def sql_string(value: str) -> str:
    """`value` as an SQL string literal (standard quoting, no backslash escapes)."""
    return "'" + value.replace("'", "''") + "'"


def postgresql_expression() -> str:
    spaces = " " * len(SEPARATORS)
    folded = (
        f"translate(lower({_JOINED}), {sql_string(SEPARATORS)}, {sql_string(spaces)})"
    )
    return f"' ' || {folded}"


def sqlite_expression() -> str:
    return f"' ' || opsx_fold({_JOINED})"


def postgresql_joined_expression() -> str:
    # translate() drops the characters that have no counterpart.
    return f"translate(lower({_CONCATENATED}), {sql_string(SEPARATORS)}, '')"


def sqlite_joined_expression() -> str:
    return f"replace(opsx_fold({_CONCATENATED}), ' ', '')"


_SPACES = str.maketrans(SEPARATORS, " " * len(SEPARATORS))
_REMOVED = str.maketrans("", "", SEPARATORS)


def fold(value: str | None) -> str | None:
    """Lower-cased, separators turned into spaces (SQLite's `opsx_fold`)."""
    return None if value is None else value.lower().translate(_SPACES)


def fold_joined(value: str) -> str:
    """Lower-cased, separators removed (what `search_joined` holds)."""
    return value.lower().translate(_REMOVED)


@event.listens_for(Engine, "connect")
def _register_fold(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("opsx_fold", 1, fold, deterministic=True)


class SearchTextExpression(ColumnElement[str]):
    """The generated column's expression, rendered for each dialect."""

    inherit_cache = True
    type = Text()


class SearchJoinedExpression(ColumnElement[str]):
    """`search_joined`'s expression, rendered for each dialect."""

    inherit_cache = True
    type = Text()


@compiles(SearchTextExpression, "postgresql")
def _postgresql(
    _element: SearchTextExpression, compiler: SQLCompiler, **_kw: Any
) -> str:
    return _text(compiler, postgresql_expression())


@compiles(SearchTextExpression)
def _other(_element: SearchTextExpression, compiler: SQLCompiler, **_kw: Any) -> str:
    return _text(compiler, sqlite_expression())


@compiles(SearchJoinedExpression, "postgresql")
def _postgresql_joined(
    _element: SearchJoinedExpression, compiler: SQLCompiler, **_kw: Any
) -> str:
    return _text(compiler, postgresql_joined_expression())


@compiles(SearchJoinedExpression)
def _other_joined(
    _element: SearchJoinedExpression, compiler: SQLCompiler, **_kw: Any
) -> str:
    return _text(compiler, sqlite_joined_expression())


def _text(compiler: SQLCompiler, sql: str) -> str:
    # post_process_text doubles `%` for drivers with %-style parameters.
    process: Any = compiler.post_process_text  # untyped in SQLAlchemy
    return str(process(sql))
