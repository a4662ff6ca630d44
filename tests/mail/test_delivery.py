"""Emails go out through a real SMTP server: multipart, by name, once, then blanked."""

from datetime import timedelta

from sqlalchemy import func, select

from models import Email, User
from opsx_api import clock, db
from opsx_api.services import emails
from tests.mail.helpers import email_row, queue_plain, queue_reset_mail


def test_a_reset_email_arrives_multipart_in_the_recipients_name_with_its_link(
    factory, app, mailbox, send_mail
):
    user = factory.make_user(factory.make_client("Acme Field"), name="Ada Lovelace")
    link = "https://app.example.test/links/password-reset?token=raw-token-123"
    email_id = queue_reset_mail(app, user, link)

    assert send_mail() == {"sent": 1}

    [message] = mailbox.messages
    assert message["To"] == f"Ada Lovelace <{user.email}>"
    assert message["From"] == app.config["MAIL_FROM"]
    assert message["Subject"] == "Reset your OpsX password"
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert mailbox.text(message).startswith("Hello Ada Lovelace,")
    assert mailbox.link_in(message) == link
    assert f'href="{link}"' in mailbox.html(message)
    assert "Acme Field" in mailbox.text(message)
    row = email_row(app, email_id)
    assert (row.status, row.attempts, row.failures) == ("sent", 1, 0)
    assert message["Message-ID"] == row.message_id
    # The raw token lived only as long as the email was queued.
    assert row.text_body is None and row.html_body is None
    assert send_mail() == {}  # nothing goes twice
    assert len(mailbox.messages) == 1


def test_names_and_text_are_escaped_in_html_and_never_break_headers(
    factory, app, mailbox, send_mail
):
    company = factory.make_client("R&D <Field>")
    user = factory.make_user(company, name="Eve\r\nBcc: victim@example.test")
    queue_reset_mail(app, user)

    send_mail()

    [message] = mailbox.messages
    assert "Bcc" not in message
    assert message["To"].addresses[0].display_name == "Eve Bcc: victim@example.test"
    assert "R&amp;D &lt;Field&gt;" in mailbox.html(message)
    assert "R&D <Field>" in mailbox.text(message)


def test_an_email_is_queued_in_the_callers_transaction(factory, app):
    user = factory.make_user(factory.make_client())
    with app.app_context():
        emails.queue_to_user(
            db.session().get(User, user.id),
            "email_change_notice",
            {"new_email": "new@example.test"},
        )
        db.session().rollback()  # the change failed: its email goes with it
        assert db.session().scalar(select(func.count()).select_from(Email)) == 0


def test_an_email_whose_link_died_first_is_cancelled_not_sent(
    factory, app, mailbox, send_mail
):
    user = factory.make_user(factory.make_client())
    email_id = queue_reset_mail(
        app, user, send_before=clock.utcnow() + timedelta(minutes=30)
    )
    clock.advance(timedelta(minutes=31))

    assert send_mail() == {}

    row = email_row(app, email_id)
    assert row.status == "cancelled" and "expired" in row.last_error
    assert row.text_body is None and row.html_body is None
    assert mailbox.messages == []


def test_every_kind_renders_a_subject_text_and_html(app):
    context = {
        "link": "https://app.example.test/links/x?token=t",
        "expires": "24 hours",
        "client_name": "Acme",
        "new_email": "new@example.test",
        "name": "Ada",
        "to_address": "ada@example.test",
        "headline": "News",
        "body": "One.\n\nTwo.",
        "referrer_name": "Rita",
        "days": 30,
    }
    with app.test_request_context():
        for kind in emails.SUBJECTS:
            subject, text, html = emails.render(kind, context)
            assert subject and "\n" not in subject, kind
            assert text.startswith("Hello Ada,"), kind
            assert "<html" in html and "Ada" in html, kind


def test_a_notice_without_a_user_reaches_its_address(app, mailbox, send_mail):
    queue_plain(app, "friend@example.test", "A Friend")

    assert send_mail() == {"sent": 1}

    [message] = mailbox.to("friend@example.test")
    assert message["To"] == "A Friend <friend@example.test>"
