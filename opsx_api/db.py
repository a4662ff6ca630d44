"""The database: one engine and one scoped session per app, nothing at import time.

`unit_of_work()` is the one place a request, a CLI command or a worker batch
commits (or rolls back on any exception); `separate_transaction()` is for the few
writes that must stand whatever becomes of the request (a failed login counts).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeAlias, cast

from flask import Flask, current_app, g
from flask.globals import app_ctx
from sqlalchemy import Executable, Select, create_engine, event, text
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its column types).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]  # proxy


class Database:
    """Engine and session factory of one Flask app, kept in `app.extensions`."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        # Errors never carry bound values (names, emails) into logs or traces.
        engine_options = {"hide_parameters": True, **engine_options}
        self.engine: Engine = create_engine(url, **engine_options)
        # Read-only lookups (the per-request session check) run outside the
        # request's transaction on a pool of their own, in autocommit: no
        # BEGIN/ROLLBACK round trips on PostgreSQL, and on SQLite no write lock
        # taken just to authenticate. Switching a shared connection's isolation
        # level would cost two calls per checkout.
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine, immediate=True)
            self.reader = create_engine(url, **engine_options)
            _configure_sqlite(self.reader, immediate=False)
        else:
            self.reader = create_engine(
                url, isolation_level="AUTOCOMMIT", **engine_options
            )
        self.session = scoped_session(
            sessionmaker(self.engine, expire_on_commit=False),
            scopefunc=_app_context_id,
        )

    def dispose(self) -> None:
        """Close every pooled connection (tests, forked workers)."""
        self.engine.dispose()
        self.reader.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    """Foreign keys on, WAL, and write transactions that wait instead of failing.

    pysqlite's own transaction handling is turned off so that, with `immediate`,
    every transaction starts with BEGIN IMMEDIATE: SQLite then serialises writers
    through busy_timeout rather than failing a read-then-write transaction with
    "database is locked". Without it (the reader) statements run in autocommit.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    if immediate:

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Create the app's engine (lazily connecting) and remove sessions at teardown."""
    url = app.config["DATABASE_URL"]
    options: dict[str, Any]
    if url.startswith("sqlite"):
        options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    else:
        size = app.config["DB_POOL_SIZE"]
        options = {
            "pool_pre_ping": app.config["DB_POOL_PRE_PING"],
            "pool_size": size,
            "max_overflow": size * 2,
        }
    app.extensions["opsx_db"] = Database(url, **options)

    @app.teardown_appcontext
    def _remove_session(_exc):
        app.extensions["opsx_db"].session.remove()
        reader = g.pop(_READER, None)
        if reader is not None:
            reader.close()


def get_db() -> Database:
    return current_app.extensions["opsx_db"]


def ping() -> bool:
    """True when the database answers a trivial query (readiness probe)."""
    try:
        session().execute(text("SELECT 1"))
        return True
    except Exception:
        session().rollback()
        return False


def read_one(statement, params: dict[str, Any]):
    """First row of a read-only statement, outside the request's transaction.

    It sees committed data, exactly as the first statement of a new transaction
    would; use it only for checks that must not hold a transaction open.
    """
    with get_db().reader.connect() as connection:
        return connection.execute(statement, params).first()


_READER = "opsx_reader_connection"


def reader_connection() -> PoolProxiedConnection:
    """The app context's DBAPI connection from the reader pool (autocommit).

    Checked out on first use and returned when the app context ends, so a
    request's session check and its page share one checkout. For statements
    run on the driver's cursor (`opsx_api.prepared`); their errors go through
    `reader_error`.
    """
    connection: PoolProxiedConnection | None = g.get(_READER)
    if connection is None:
        reader = get_db().reader
        try:
            connection = reader.raw_connection()
        except reader.dialect.loaded_dbapi.Error as exc:
            raise reader_error(exc, None) from exc  # e.g. the database is down
        setattr(g, _READER, connection)
    return connection


def reader_error(exc: Any, statement: str | None) -> StatementError:
    """A driver error on `reader_connection()` or its checkout, as SQLAlchemy raises it.

    A lost connection is invalidated with every older one of its pool, as
    SQLAlchemy's own Connection does, and the next use checks out a new one;
    the error then maps to 503 like any OperationalError.
    """
    engine = get_db().reader
    connection: PoolProxiedConnection | None = g.get(_READER)
    lost = connection is not None and engine.dialect.is_disconnect(
        exc, connection.dbapi_connection, None
    )
    if connection is not None and lost:
        g.pop(_READER)
        engine.pool._invalidate(connection, exc)  # what Connection does on a disconnect
        connection.close()
    return DBAPIError.instance(
        statement,
        None,
        exc,
        engine.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=lost,
        dialect=engine.dialect,
    )


def changed(statement: Executable, params: dict[str, Any] | None = None) -> int:
    """Run an INSERT, UPDATE or DELETE in the request's session; rows it changed."""
    result = session().execute(statement, params)
    return cast(CursorResult[Any], result).rowcount or 0


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit the session once at the end, or roll back on any exception.

    Around every request, CLI command and worker batch; services never commit.
    An `ApiError` raised with `keep_changes=True` is a refusal whose side effects
    stand (a replayed refresh token revokes its session): those are committed
    before the error goes on to become the answer.

    A unit that never used the session (a page read through `opsx_api.prepared`)
    neither creates one nor commits: a session holds no pending change outside
    a transaction, since adding an object begins one.
    """
    sessions = get_db().session
    try:
        yield
    except BaseException as exc:
        if sessions.registry.has():
            if getattr(exc, "keep_changes", False):
                sessions().commit()
            else:
                sessions().rollback()
        raise
    if sessions.registry.has() and sessions().in_transaction():
        sessions().commit()


@contextmanager
def separate_transaction() -> Iterator[Session]:
    """A short transaction on a connection of its own, committed on exit.

    For writes that must stand whatever becomes of the request, such as the
    throttle's count of a login attempt, made before the password is verified.
    Open it before the request's own transaction takes locks (SQLite has one
    writer at a time).
    """
    with Session(get_db().engine, expire_on_commit=False) as own, own.begin():
        yield own


def session() -> Session:
    """The current app context's session."""
    return current_app.extensions["opsx_db"].session()
