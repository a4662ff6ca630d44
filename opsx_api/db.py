"""The database: one engine and one scoped session per app, nothing at import time."""

from typing import Any

from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())


class Database:
    """Engine and session factory of one Flask app, kept in `app.extensions`."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.engine: Engine = create_engine(url, **engine_options)
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine)
        # Read-only lookups on PostgreSQL skip BEGIN/ROLLBACK: two round trips saved.
        # SQLite keeps its BEGIN IMMEDIATE discipline and reads through the session.
        # A pool of its own, created in autocommit: switching a shared connection's
        # isolation level costs two calls per checkout.
        self.reader: Engine | None = None
        if self.engine.dialect.name == "postgresql":
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
        if self.reader is not None:
            self.reader.dispose()

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, and write transactions that wait instead of failing.

    pysqlite's own transaction handling is turned off so every transaction starts
    with BEGIN IMMEDIATE: SQLite then serialises writers through busy_timeout
    rather than failing a read-then-write transaction with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    """Create the app's engine (lazily connecting) and remove sessions at teardown."""
    url = app.config["DATABASE_URL"]
    options: dict[str, Any] = {
        "pool_pre_ping": app.config.get("DB_POOL_PRE_PING", True)
    }
    if url.startswith("sqlite"):
        options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    else:
        options.update(pool_size=10, max_overflow=20)
    app.extensions["opsx_db"] = Database(url, **options)

    @app.teardown_appcontext
    def _remove_session(_exc):
        app.extensions["opsx_db"].session.remove()


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
    database = get_db()
    if database.reader is None:
        return database.session().execute(statement, params).first()
    with database.reader.connect() as connection:
        return connection.execute(statement, params).first()


def session() -> Session:
    """The current app context's session."""
    return current_app.extensions["opsx_db"].session()
