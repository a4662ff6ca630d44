"""`flask admin purge` for email: dead links cancelled, old emails and tokens gone."""

from datetime import timedelta

from models import Email, LinkToken, User
from opsx_api import clock, db
from opsx_api.services import links
from tests.mail.helpers import email_row, queue_plain, queue_reset_mail
from tests.push.test_purge import count, purge


def test_a_queued_email_whose_link_died_is_cancelled_and_blanked(factory, app, runner):
    user = factory.make_user(factory.make_client())
    soon = clock.utcnow() + timedelta(minutes=30)
    email_id = queue_reset_mail(app, user, send_before=soon)
    clock.advance(timedelta(minutes=31))

    assert purge(runner)["queued emails with dead links cancelled"] == 1

    row = email_row(app, email_id)
    assert row.status == "cancelled" and row.text_body is None


def test_finished_emails_go_after_the_retention_period(app, runner, send_mail):
    queue_plain(app, "old@example.test")
    send_mail()
    clock.advance(timedelta(days=29))
    queue_plain(app, "waiting@example.test")  # queued: kept whatever its age
    clock.advance(timedelta(days=2))

    assert purge(runner, "--dry-run")["emails deleted"] == 1
    assert count(app, Email) == 2
    assert purge(runner)["emails deleted"] == 1
    assert count(app, Email) == 1


def test_expired_link_tokens_are_deleted(factory, app, runner):
    user = factory.make_user(factory.make_client())
    with app.app_context():
        links.issue(db.session().get(User, user.id), "password_reset")
        links.issue(db.session().get(User, user.id), "invitation")
        db.session().commit()
    clock.advance(timedelta(hours=1))

    assert purge(runner)["expired link tokens deleted"] == 1  # the 30-minute one
    assert count(app, LinkToken) == 1
