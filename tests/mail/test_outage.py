"""SMTP down, refusals and a wrong password: nothing is lost, nothing loops."""

import json
import logging
from datetime import timedelta

import pytest

from opsx_api import clock
from opsx_api.request_log import JsonFormatter
from tests.mail.helpers import email_row, email_rows, queue_plain
from tests.mail.smtp_server import SmtpServer


def delay_of(row) -> float:
    return (row.next_attempt_at - row.updated_at).total_seconds()


def test_smtp_down_keeps_emails_queued_and_they_go_out_when_it_is_back(
    app, smtp, mailbox, send_mail, monkeypatch
):
    # A limit of 2 that an outage must not use up: only the server's answers count.
    monkeypatch.setitem(app.config, "EMAIL_MAX_ATTEMPTS", 2)
    addresses = [f"waiting-{n}@example.test" for n in range(3)]
    for address in addresses:
        queue_plain(app, address)
    smtp.stop()

    for _ in range(4):  # four rounds of the worker while the server is away
        assert send_mail() == {"queued": 3}
        clock.advance(timedelta(hours=1))

    rows = email_rows(app)
    assert {(r.status, r.attempts, r.failures) for r in rows} == {("queued", 4, 0)}
    assert all("unreachable" in r.last_error for r in rows)
    assert all(r.text_body for r in rows)  # still there to be sent
    smtp.start()  # back, on the same port

    assert send_mail() == {"sent": 3}

    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox.messages) == sorted(
        addresses
    )
    assert {r.status for r in email_rows(app)} == {"sent"}


def test_the_wait_grows_with_jitter_and_stops_at_the_cap(
    app, smtp, send_mail, monkeypatch
):
    monkeypatch.setitem(app.config, "EMAIL_BACKOFF_BASE_SECONDS", 10.0)
    monkeypatch.setitem(app.config, "EMAIL_BACKOFF_MAX_SECONDS", 40.0)
    email_id = queue_plain(app, "patient@example.test")
    smtp.stop()

    for ceiling in (10, 20, 40, 40):
        send_mail()
        row = email_row(app, email_id)
        assert ceiling / 2 <= delay_of(row) <= ceiling
        send_mail()  # not due yet: no attempt
        assert email_row(app, email_id).attempts == row.attempts
        clock.advance(timedelta(seconds=ceiling))


def test_a_temporary_refusal_is_retried_then_fails_at_the_limit(
    app, mailbox, send_mail, monkeypatch
):
    monkeypatch.setitem(app.config, "EMAIL_MAX_ATTEMPTS", 2)
    mailbox.refuse["full@example.test"] = "452 4.2.2 Mailbox full"
    email_id = queue_plain(app, "full@example.test")

    assert send_mail() == {"queued": 1}
    row = email_row(app, email_id)
    assert (row.status, row.failures) == ("queued", 1)
    assert row.last_error.startswith("retry 452") and "Mailbox full" in row.last_error
    clock.advance(timedelta(hours=1))

    assert send_mail() == {"failed": 1}

    row = email_row(app, email_id)
    assert (row.status, row.failures) == ("failed", 2)
    assert row.last_error.startswith("gave up after 2 refusals")
    assert row.text_body is None and row.html_body is None
    clock.advance(timedelta(days=1))
    assert send_mail() == {}


def test_a_permanent_refusal_fails_at_once(app, mailbox, send_mail):
    mailbox.refuse["nobody@example.test"] = "550 5.1.1 No such user"
    email_id = queue_plain(app, "nobody@example.test")

    assert send_mail() == {"failed": 1}

    row = email_row(app, email_id)
    assert row.status == "failed" and "No such user" in row.last_error
    assert row.text_body is None


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_wrong_smtp_password_alerts_and_keeps_the_email(
    app, use_smtp, make_mail_worker, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "EMAIL_MAX_ATTEMPTS", 1)
    logging.getLogger("opsx.worker").addHandler(caplog.handler)
    with SmtpServer(credentials=("mailer", "right-password")) as server:
        use_smtp(server.url("mailer", "wrong-password"))
        email_id = queue_plain(app, "someone@example.test")
        try:
            assert dict(make_mail_worker().run(once=True)) == {"queued": 1}
        finally:
            logging.getLogger("opsx.worker").removeHandler(caplog.handler)
        row = email_row(app, email_id)
        assert (row.status, row.failures) == ("queued", 0)  # ours to fix, not its
        assert server.mailbox.messages == []
        alerts = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert alerts, "no ERROR line for the configuration fault"
        line = json.loads(JsonFormatter().format(alerts[0]))
        assert line["event"] == "smtp.configuration_fault"
        assert "right-password" not in str(line) and "wrong-password" not in str(line)

        use_smtp(server.url("mailer", "right-password"))
        clock.advance(timedelta(hours=1))
        assert dict(make_mail_worker().run(once=True)) == {"sent": 1}
        assert server.logins == ["mailer"]
