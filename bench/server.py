"""A benchmark database and a gunicorn server of the real app, on loopback."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

from opsx_api.actor import Actor

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get(
    "OPSX_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def app_env(database_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "OPSX_ENV": "development",
        "OPSX_DATABASE_URL": database_url,
        "OPSX_LOG_REQUESTS": "false",
        "OPSX_SECRET_KEY": "bench-secret-key-0123456789-0123456789",
        "OPSX_JWT_KEYS": "bench=bench-signing-key-0123456789-0123456789",
        **extra,
    }


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


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=app_env(database_url),
        check=True,
        capture_output=True,
    )


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, threads: int = 4, **env):
    """The app under gunicorn (gthread workers) on a free loopback port."""
    with gunicorn_process(database_url, workers=workers, threads=threads, **env) as (
        port,
        _process,
    ):
        yield port


@contextmanager
def gunicorn_process(
    database_url: str,
    *,
    workers: int = 2,
    threads: int = 4,
    worker_class: str = "gthread",
    **env,
):
    """`gunicorn`, answering (port, process); the process leads its own group."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "gunicorn.conf.py",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=app_env(database_url, **env),
        start_new_session=True,
    )
    try:
        _wait_until_up(port)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")
