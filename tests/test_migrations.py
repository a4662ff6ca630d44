"""Migrations: one head, run from empty on both databases, match the models."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from models import Base
from opsx_api import db
from tests.conftest import PG_URL, TEST_CONFIG


def script_directory(app) -> ScriptDirectory:
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_head(app):
    heads = script_directory(app).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A brand-new, empty database of each kind (PostgreSQL when configured)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrate.db"
        return
    if not PG_URL:
        pytest.skip("needs PostgreSQL (set OPSX_TEST_DATABASE_URL)")
    name = f"opsx_migrate_{uuid.uuid4().hex[:8]}"
    admin_url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg2://", 1))
    admin = create_engine(
        admin_url.set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_run_from_empty_and_match_the_models(empty_database):
    from opsx_api import create_app

    app = create_app({**TEST_CONFIG, "DATABASE_URL": empty_database})
    with app.app_context():
        upgrade()
        engine = db.get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()


def test_migrations_are_never_run_at_app_start(tmp_path):
    from opsx_api import create_app

    url = f"sqlite:///{tmp_path}/untouched.db"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    app.test_client().get("/api/v1/health")
    assert (
        not os.path.exists(tmp_path / "untouched.db")
        or inspect(create_engine(url)).get_table_names() == []
    )
