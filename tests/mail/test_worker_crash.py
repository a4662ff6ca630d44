"""Several workers, and a worker killed mid-batch: every email sent, none lost."""

import signal
import subprocess
import threading
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from models import Email
from opsx_api import db
from opsx_api.services import emails
from tests.workers import start_flask_worker, wait_for

ROOT = Path(__file__).resolve().parents[2]


def queue_many(app, count: int, prefix: str) -> list[str]:
    addresses = [f"{prefix}-{n}@example.test" for n in range(count)]
    with app.app_context():
        for address in addresses:
            emails.queue("email_taken_notice", to_address=address, to_name="Someone")
        db.session().commit()
    return addresses


def statuses(app) -> Counter:
    with app.app_context():
        rows = db.session().execute(
            select(Email.status, func.count()).group_by(Email.status)
        )
        return Counter(dict(rows.all()))


def leased(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).where(Email.status == "queued", Email.attempts > 0)
        )


def received(mailbox) -> Counter:
    return Counter(m["To"].addresses[0].addr_spec for m in list(mailbox.messages))


def test_two_workers_send_each_of_300_emails_exactly_once(
    app, mailbox, make_mail_worker, postgresql_only
):
    addresses = queue_many(app, 300, "pair")
    workers = [make_mail_worker(threads=4, batch=8) for _ in range(2)]
    runs = [threading.Thread(target=w.run, kwargs={"once": True}) for w in workers]

    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=60)

    assert sorted(received(mailbox)) == sorted(addresses)
    assert set(received(mailbox).values()) == {1}
    assert statuses(app) == {"sent": 300}
    assert all(w.stats["sent"] > 0 for w in workers), "one worker did all the work"


def start_worker(app, smtp_url: str, log_path: Path) -> subprocess.Popen:
    """`flask worker` in its own process, against `app`'s database and `smtp_url`."""
    return start_flask_worker(
        app, log_path, SMTP_URL=smtp_url, SMTP_TIMEOUT="1", EMAIL_LEASE_SECONDS="3"
    )


def test_a_worker_killed_mid_batch_loses_no_email(fresh_database, smtp, tmp_path):
    app = fresh_database
    addresses = queue_many(app, 300, "crash")
    smtp.mailbox.delay = 0.05  # slow answers, so the kill lands with sends in flight
    log = tmp_path / "worker.log"

    first = start_worker(app, smtp.url(), log)
    wait_for(lambda: len(smtp.mailbox.messages) >= 60, 30, "the first emails")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    in_flight = leased(app)
    assert in_flight > 0, "the kill did not land mid-batch"
    assert statuses(app)["queued"] > 0

    second = start_worker(app, smtp.url(), log)
    try:
        wait_for(lambda: statuses(app) == {"sent": 300}, 40, "every email sent")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0, log.read_text()[-2000:]

    got = received(smtp.mailbox)
    assert sorted(got) == sorted(addresses)  # none lost
    repeats = sum(got.values()) - len(addresses)
    assert repeats <= in_flight + 8, "only emails in flight at the kill may repeat"
    with app.app_context():  # and no body outlived its delivery
        assert (
            db.session().scalar(
                select(func.count()).where(Email.text_body.is_not(None))
            )
            == 0
        )
    assert '"event": "worker.stopped"' in log.read_text()
