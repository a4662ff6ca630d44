"""A served app on loopback (gunicorn, `make run`) and plain HTTP against it.

The benchmarks start their servers with these helpers too.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def migrate(database_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=app_env(database_url),
        check=True,
        capture_output=True,
    )


@contextmanager
def gunicorn(
    database_url: str, *, workers: int | None = None, threads: int | None = None, **env
):
    """The app under gunicorn on a free loopback port (gunicorn.conf.py's model)."""
    with gunicorn_process(database_url, workers=workers, threads=threads, **env) as (
        port,
        _process,
    ):
        yield port


@contextmanager
def gunicorn_process(
    database_url: str,
    *,
    workers: int | None = None,
    threads: int | None = None,
    worker_class: str | None = None,
    **env,
):
    """`gunicorn`, answering (port, process); the process leads its own group.

    The worker model is gunicorn.conf.py's unless given, as in production.
    """
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    for option, value in (
        ("--workers", workers),
        ("--threads", threads),
        ("--worker-class", worker_class),
    ):
        if value is not None:
            command += [option, str(value)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
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


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """POST `body` as JSON; (status, parsed answer or {})."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else {}


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve `app` over real HTTP on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def dev_env(tmp_path: Path) -> dict[str, str]:
    """`make run`'s environment on a fresh SQLite database and free ports."""
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "OPSX_DATABASE_URL": f"sqlite:///{tmp_path}/dev.db",
        "OPSX_DEV_PORT": str(free_port()),
        "OPSX_DEV_FCM_PORT": str(free_port()),
        "OPSX_ARGON2_PROFILE": "test",
        "OPSX_SECRET_KEY": "dev-run-test-secret-0123456789abcdef",
        "OPSX_JWT_KEYS": "d=dev-run-test-jwt-key-0123456789abcdef",
    }


@contextmanager
def make_run(env: dict[str, str]) -> Iterator[str]:
    """What `make run` does (migrate, seed, devserver); yields the API's base URL."""
    flask = [sys.executable, "-m", "flask"]
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, timeout=60)
    server = subprocess.Popen(
        [sys.executable, "-m", "opsx_api.devserver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{env['OPSX_DEV_PORT']}/api/v1"
    try:
        # The banner comes once everything listens (the devserver's own bound is
        # 90 s): from then on the API answers at the first try. (The worker
        # shares this stdout and may print emails before it.)
        assert server.stdout is not None
        banner = next(
            (line for line in server.stdout if line.startswith("OpsX on http://")),
            None,
        )
        assert banner, "make run stopped without its banner"
        threading.Thread(target=server.stdout.read, daemon=True).start()  # drain
        with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:
            assert json.loads(answer.read()) == {"status": "ok"}
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
