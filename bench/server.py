"""A benchmark database and a gunicorn server of the real app, on loopback."""

import os
import tempfile
import uuid
from contextlib import contextmanager

from opsx_api.actor import Actor
from tests.live import (  # served-app helpers shared with the tests
    ROOT,
    app_env,
    free_port,
    gunicorn,
    gunicorn_process,
    migrate,
)

__all__ = [
    "ROOT",
    "app_env",
    "bench_database",
    "create_company",
    "free_port",
    "gunicorn",
    "gunicorn_process",
    "migrate",
    "scratch_database",
]
PG_ADMIN = os.environ.get(
    "OPSX_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _pg_available() -> bool:
    try:
        import psycopg2

        psycopg2.connect(PG_ADMIN, connect_timeout=2).close()
        return True
    except Exception:
        return False


@contextmanager
def bench_database():
    """A fresh, migrated database: PostgreSQL when reachable, else SQLite."""
    if os.environ.get("OPSX_BENCH_DATABASE_URL"):
        yield os.environ["OPSX_BENCH_DATABASE_URL"]
        return
    if _pg_available():
        with scratch_database("opsx_bench") as url:
            migrate(url)
            yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate(url)
        yield url


@contextmanager
def scratch_database(prefix: str):
    """A new, empty PostgreSQL database, dropped afterwards.

    Named `<prefix>_<OPSX_BENCH_DB_TAG><random>`, so engineers sharing a server
    can tell their benchmarks' databases apart.
    """
    import psycopg2

    tag = os.environ.get("OPSX_BENCH_DB_TAG", "")
    name = f"{prefix}_{tag}{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def create_company(name: str, admin_email: str, member_email: str, password: str):
    """A client with its admin and one member, through the real services.

    Call inside an app context; commits, and returns the client.
    """
    from opsx_api import db
    from opsx_api.services import clients, users

    with db.unit_of_work():
        return _company(clients, users, name, admin_email, member_email, password)


def _company(clients, users, name, admin_email, member_email, password):
    client = clients.create_client(
        name=name,
        device_policy="replace",
        admin={"email": admin_email, "name": "Admin", "password": password},
        actor=Actor.system(),
    )
    users.create_user(
        client=client,
        email=member_email,
        name="Member",
        role="member",
        password=password,
        actor=Actor.system(),
    )
    return client
