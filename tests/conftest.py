"""Fixtures: the app on SQLite (always) and PostgreSQL (when configured).

Set OPSX_TEST_DATABASE_URL to a PostgreSQL database to run every test on both
backends. Tests that need PostgreSQL take the `postgresql_only` fixture.
"""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from admin import init_app as add_admin_commands
from models import Base
from opsx_api import clock, create_app, db
from tests.factories import Factory

PG_URL = os.environ.get("OPSX_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

TEST_CONFIG = {
    "ENV": "test",
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "JWT_KEYS": "k1=test-signing-key-one-0123456789abcdef,"
    "k0=test-retired-key-zero-0123456789abcdef",
    "ARGON2_PROFILE": "test",
    "LOG_REQUESTS": False,
    "FCM_PROJECT_ID": "opsx-test",
    "FCM_ENDPOINT": "http://127.0.0.1:9",
}

_apps: dict[str, object] = {}


def build_app(backend: str, tmp_root, **overrides):
    """A new app on `backend` with the test configuration and `overrides`."""
    url = PG_URL if backend == "postgresql" else f"sqlite:///{tmp_root}/opsx-test.db"
    return add_admin_commands(
        create_app({**TEST_CONFIG, "DATABASE_URL": url, **overrides})
    )


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory):
    """The database backend of this run of the test (sqlite / postgresql)."""
    app = build_app(request.param, tmp_path_factory.mktemp(request.param))
    with app.app_context():
        engine = db.get_db().engine
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    _apps[request.param] = app
    yield request.param
    with app.app_context():
        Base.metadata.drop_all(db.get_db().engine)
        db.get_db().dispose()


@pytest.fixture
def app(backend):
    """The Flask app for this backend, with empty tables and real time."""
    app = _apps[backend]
    clock.reset()
    with app.app_context():
        _empty_tables()
    yield app
    clock.reset()


def _empty_tables() -> None:
    engine = db.get_db().engine
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A Flask CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def factory(app, client):
    """Small factories: make_client, make_user, login (through the real login)."""
    return Factory(app, client)


@pytest.fixture
def postgresql_only(backend):
    """Skip unless this run is on PostgreSQL (row locks, SKIP LOCKED, concurrency)."""
    if backend != "postgresql":
        pytest.skip("needs PostgreSQL (set OPSX_TEST_DATABASE_URL)")


@pytest.fixture
def unique():
    """A short unique string for names and emails."""
    return lambda prefix="x": f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def fresh_database(postgresql_only):
    """A new, empty PostgreSQL database (opsx_fresh_*) and its app, dropped after."""
    name = f"opsx_fresh_{uuid.uuid4().hex[:8]}"
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg2://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh = url.set(database=name).render_as_string(hide_password=False)
    app = add_admin_commands(create_app({**TEST_CONFIG, "DATABASE_URL": fresh}))
    with app.app_context():
        Base.metadata.create_all(db.get_db().engine)
    try:
        yield app
    finally:
        with app.app_context():
            db.get_db().dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
