"""Several workers, crashes and stops: every push delivered, none twice."""

import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from models import PushDelivery
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import clients, notifications
from tests.push.helpers import seed_devices
from tests.workers import start_flask_worker, wait_for

ROOT = Path(__file__).resolve().parents[2]


def broadcast_to_all(app, client_id) -> None:
    with app.app_context(), db.unit_of_work():
        notifications.broadcast(
            client_id,
            title="Shift change",
            body="See the board",
            user_ids=None,
            actor=Actor.system(),
        )


def statuses(app) -> Counter:
    with app.app_context():
        rows = db.session().execute(
            select(PushDelivery.status, func.count()).group_by(PushDelivery.status)
        )
        return Counter(dict(rows.all()))


def leased(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).where(
                PushDelivery.status == "queued", PushDelivery.attempts > 0
            )
        )


def test_two_workers_send_each_of_1000_pushes_exactly_once(
    factory, app, make_worker, emulator, postgresql_only
):
    company = factory.make_client()
    tokens = seed_devices(app, company.id, 1000)
    broadcast_to_all(app, company.id)
    workers = [make_worker(threads=8, batch=8) for _ in range(2)]
    runs = [threading.Thread(target=w.run, kwargs={"once": True}) for w in workers]

    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)

    sent_to = Counter(m["token"] for m in emulator.messages)
    assert sorted(sent_to) == sorted(tokens)
    assert set(sent_to.values()) == {1}
    assert statuses(app) == {"sent": 1000}
    assert all(w.stats["sent"] > 0 for w in workers), "one worker did all the work"
    with app.app_context():
        attempts = db.session().scalars(select(PushDelivery.attempts).distinct())
        assert list(attempts) == [1]


def test_stop_finishes_sends_in_flight_and_hands_back_the_rest(
    factory, app, make_worker, emulator
):
    company = factory.make_client()
    tokens = seed_devices(app, company.id, 30)
    for token in tokens:
        emulator.script(token, [{"delay": 0.2}])
    broadcast_to_all(app, company.id)
    worker = make_worker(threads=2, batch=4)
    running = threading.Thread(target=worker.run)
    running.start()
    deadline = time.monotonic() + 10
    while emulator.attempt_counts() == {} and time.monotonic() < deadline:
        time.sleep(0.01)

    worker.stop()
    running.join(timeout=10)

    assert not running.is_alive()
    counts = statuses(app)
    assert 0 < counts["sent"] < 30
    assert counts["sent"] == len(emulator.messages)  # every send finished recorded
    assert leased(app) == 0  # the unsent claims were handed back, due now


def start_worker(app, emulator, log_path: Path) -> subprocess.Popen:
    """`flask worker` in its own process, against `app`'s database and the emulator."""
    return start_flask_worker(
        app, log_path, FCM_ENDPOINT=emulator.origin, PUSH_LEASE_SECONDS="2"
    )


def seed_fresh(app, count: int) -> list[str]:
    with app.app_context(), db.unit_of_work():
        company = clients.create_client(
            name="Crash Co",
            device_policy="reject",
            admin={
                "email": "crash-admin@example.test",
                "name": "Admin",
                "password": "northern-lights-password-9",
            },
            actor=Actor.system(),
        )
    tokens = seed_devices(app, company.id, count, prefix="crash")
    broadcast_to_all(app, company.id)
    return tokens


def test_a_worker_killed_mid_batch_loses_nothing(fresh_database, emulator, tmp_path):
    app = fresh_database
    tokens = seed_fresh(app, 300)
    for token in tokens:  # slow answers, so the kill lands with sends in flight
        emulator.script(token, [{"delay": 0.05}])
    log = tmp_path / "worker.log"

    first = start_worker(app, emulator, log)
    wait_for(lambda: len(emulator.messages) >= 60, 20, "the first sends")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    in_flight = leased(app)
    assert in_flight > 0, "the kill did not land mid-batch"
    assert statuses(app)["queued"] > 0

    second = start_worker(app, emulator, log)
    try:
        wait_for(lambda: statuses(app) == {"sent": 300}, 25, "every push sent")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0, log.read_text()[-2000:]

    sent_to = Counter(m["token"] for m in emulator.messages)
    assert sorted(sent_to) == sorted(tokens)  # none lost
    repeats = sum(sent_to.values()) - len(tokens)
    assert repeats <= in_flight + 8, "only pushes in flight at the kill may repeat"
    assert '"event": "worker.stopped"' in log.read_text()


def test_sigterm_stops_claiming_and_leaves_nothing_leased(
    fresh_database, emulator, tmp_path
):
    app = fresh_database
    tokens = seed_fresh(app, 120)
    for token in tokens:
        emulator.script(token, [{"delay": 0.3}])
    log = tmp_path / "worker.log"
    worker = start_worker(app, emulator, log)
    wait_for(lambda: len(emulator.attempt_counts()) >= 4, 20, "sends in flight")

    started = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0, log.read_text()[-2000:]

    assert time.monotonic() - started < 5
    counts = statuses(app)
    assert 0 < counts["sent"] < 120
    assert counts["sent"] == len(emulator.messages)
    assert leased(app) == 0
    assert '"signal": "SIGTERM"' in log.read_text()
