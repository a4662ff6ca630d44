"""Outbox workers for tests: in process on the test database, or as `flask worker`."""

import os
import subprocess
import sys
import time
from pathlib import Path

from opsx_api import db
from opsx_api.delivery.command import build_worker
from opsx_api.delivery.worker import Worker
from tests.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[1]


def in_process_worker(app, **overrides) -> Worker:
    """A worker of every channel on the app's engine; a short poll, 4 threads."""
    overrides.setdefault("threads", 4)
    overrides.setdefault("poll_seconds", 0.05)
    with app.app_context():
        return build_worker(app, engine=db.get_db().engine, **overrides)


def start_flask_worker(app, log_path: Path, **settings: str) -> subprocess.Popen:
    """`flask worker` in its own process on `app`'s database; `OPSX_<settings>`."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "OPSX_ENV": "test",
        "OPSX_DATABASE_URL": app.config["DATABASE_URL"],
        "OPSX_SECRET_KEY": TEST_CONFIG["SECRET_KEY"],
        "OPSX_JWT_KEYS": TEST_CONFIG["JWT_KEYS"],
        "OPSX_FCM_PROJECT_ID": "opsx-test",
        "OPSX_WORKER_THREADS": "8",
        "OPSX_WORKER_BATCH": "16",
        "OPSX_WORKER_POLL_SECONDS": "0.05",
        **{f"OPSX_{name}": value for name, value in settings.items()},
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("ab"),
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
