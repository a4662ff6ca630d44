"""A 10,000-device broadcast drained by 1 and by 2 `flask worker` processes.

The FCM emulator runs in its own process (`flask fcm-emulator`), the API under
gunicorn, the workers as `flask worker` subprocesses: everything talks over
loopback sockets as in production. Timed from the admin's POST (the workers are
already idle and waiting) until every push is `sent` in the database and the
emulator recorded as many messages. Also: GET /auth/session requests/s while a
broadcast drains, against idle, on the same server.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import timedelta

from bench import load
from bench.server import ROOT, app_env, create_company, free_port

DEVICES = 10_000
PASSWORD = "harbour-lantern-window-77"


def seed(database_url: str, devices: int = DEVICES) -> dict:
    """A client, its admin, a spare member, and `devices` users each on a phone."""
    os.environ.update(app_env(database_url, OPSX_ARGON2_PROFILE="test"))
    from sqlalchemy import insert

    from models import DeviceSession, User
    from opsx_api import create_app, db
    from opsx_api.auth.passwords import hash_password
    from opsx_api.clock import utcnow

    app = create_app()
    with app.app_context():
        client = create_company(
            "Broadcast Co", "admin@cast.test", "reader@cast.test", PASSWORD
        )
        now, password_hash = utcnow(), hash_password(PASSWORD)
        people, phones = [], []
        for n in range(devices):
            user_id = uuid.uuid4()
            people.append(
                {
                    "id": user_id,
                    "client_id": client.id,
                    "email": f"field-{n}@cast.test",
                    "name": f"Field {n}",
                    "role": "member",
                    "status": "active",
                    "password_hash": password_hash,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            phones.append(
                {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "client_id": client.id,
                    "device_id": f"phone-{n}",
                    "platform": "android",
                    "push_token": f"fcm-{n}-{uuid.uuid4().hex}",
                    "push_token_updated_at": now,
                    "created_at": now,
                    "last_seen_at": now,
                    "expires_at": now + timedelta(days=90),
                }
            )
        s = db.session()
        for model, rows in ((User, people), (DeviceSession, phones)):
            for start in range(0, len(rows), 1000):
                s.execute(insert(model.__table__), rows[start : start + 1000])
        s.commit()
        db.get_db().dispose()
    return {"admin": "admin@cast.test", "reader": "reader@cast.test"}


def _http(method: str, url: str, body=None, token: str | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def login(port: int, email: str, device: str) -> str:
    body = {
        "email": email,
        "password": PASSWORD,
        "device": {"id": device, "platform": "android"},
    }
    url = f"http://127.0.0.1:{port}/api/v1/auth/login"
    return _http("POST", url, body)["access_token"]


def _flask(database_url: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own argv
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=app_env(database_url, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def emulator_process(database_url: str):
    """`flask fcm-emulator` on a free port; yields its origin."""
    port = free_port()
    process = _flask(database_url, "fcm-emulator", "--port", str(port))
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _http("GET", f"{origin}/emulator/attempts?token=none")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def workers(database_url: str, origin: str, count: int):
    """`count` idle `flask worker` processes, stopped with SIGTERM afterwards."""
    env = {"OPSX_FCM_ENDPOINT": origin, "OPSX_WORKER_POLL_SECONDS": "0.05"}
    processes = [_flask(database_url, "worker", **env) for _ in range(count)]
    time.sleep(3)  # imports and the first (empty) claim
    try:
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def _pg(database_url: str, sql: str, *args) -> int:
    import psycopg2

    if not database_url.startswith("postgresql"):
        raise RuntimeError("the broadcast benchmark needs PostgreSQL")
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchone()[0]


def drain(port: int, token: str, database_url: str, origin: str, *, timeout=120):
    """POST a broadcast and wait until every push is sent.

    (seconds the POST took, seconds from its answer until all sent, answer).
    Polls the partial index of queued rows, so watching costs the database little.
    """
    _http("POST", f"{origin}/emulator/reset")
    url = f"http://127.0.0.1:{port}/api/v1/admin/notifications"
    started = time.perf_counter()
    answer = _http("POST", url, {"title": "All hands", "body": "Meet at 9"}, token)
    answered = time.perf_counter()
    queued = "SELECT count(*) FROM push_deliveries WHERE status = 'queued'"
    while _pg(database_url, queued):
        if time.perf_counter() - answered > timeout:
            raise RuntimeError("the broadcast did not drain in time")
        time.sleep(0.02)
    drained = time.perf_counter()
    sent = _pg(
        database_url,
        "SELECT count(*) FROM push_deliveries d JOIN notifications n"
        " ON n.id = d.notification_id WHERE n.broadcast_id = %s AND d.status = 'sent'",
        answer["id"],
    )
    if sent != answer["queued"]:
        raise RuntimeError(f"{sent} of {answer['queued']} pushes were sent")
    return answered - started, drained - answered, answer


def run(database_url: str, port: int, origin: str, accounts: dict) -> dict:
    """Drain with 1 and 2 workers; API requests/s idle and while draining."""
    admin = login(port, accounts["admin"], "admin-laptop")
    report: dict = {}
    for count in (1, 2):
        with workers(database_url, origin, count):
            post, seconds, answer = drain(port, admin, database_url, origin)
        recorded = _http("GET", f"{origin}/emulator/messages")["count"]
        if recorded < answer["queued"]:
            raise RuntimeError(f"emulator recorded {recorded} of {answer['queued']}")
        report[f"workers_{count}"] = {
            "devices": answer["queued"],
            "post_seconds": round(post, 2),
            "seconds": round(seconds, 2),
            "messages_per_s": round(answer["queued"] / seconds, 1),
            "emulator_recorded": recorded,
        }
    reader = {"Authorization": f"Bearer {login(port, accounts['reader'], 'r1')}"}
    target = ("127.0.0.1", port, "/api/v1/auth/session", reader)
    idle = load.hammer(*target, seconds=3)
    with workers(database_url, origin, 2):
        _http("POST", f"{origin}/emulator/reset")
        url = f"http://127.0.0.1:{port}/api/v1/admin/notifications"
        _http("POST", url, {"title": "Again", "body": "Busy"}, admin)
        busy = load.hammer(*target, seconds=3)
    report["api_session_rps"] = {
        "idle": round(idle.rps, 1),
        "while_draining": round(busy.rps, 1),
        "ratio": round(busy.rps / idle.rps, 3) if idle.rps else None,
        "errors": idle.errors + busy.errors,
    }
    return report


def bench(database_url: str) -> dict:
    """The whole benchmark on a migrated database: what `make bench` calls.

    Seeds 10,000 devices, starts the emulator and a gunicorn API of its own, and
    returns the report (1 and 2 workers; API requests/s idle and while draining).
    """
    from bench.server import gunicorn

    accounts = seed(database_url)
    with (
        emulator_process(database_url) as origin,
        gunicorn(database_url, OPSX_FCM_ENDPOINT=origin) as port,
    ):
        report = run(database_url, port, origin, accounts)
    two = report["workers_2"]
    print(
        f"broadcast to {two['devices']} devices: 1 worker "
        f"{report['workers_1']['seconds']} s, 2 workers {two['seconds']} s "
        f"({two['messages_per_s']} msg/s; target < 10 s); GET /auth/session "
        f"{report['api_session_rps']['while_draining']} req/s while draining vs "
        f"{report['api_session_rps']['idle']} idle",
        flush=True,
    )
    return report


def main() -> int:
    """`python -m bench.broadcast`: this benchmark on its own."""
    from bench.server import bench_database

    with bench_database() as url:
        report = bench(url)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
