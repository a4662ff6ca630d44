"""OPSX_SMTP_URL, OPSX_MAIL_FROM, OPSX_PUBLIC_URL: parsed, checked, required in prod."""

import io

import pytest

from opsx_api.config import ConfigError, load_config
from opsx_api.mail.message import build_message
from opsx_api.mail.senders import ConsoleSender
from opsx_api.mail.smtp_url import SmtpUrl, parse_smtp_url
from tests.mail.helpers import queue_reset_mail
from tests.test_config import PROD


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://relay.internal", SmtpUrl("relay.internal", 25, "none")),
        (
            "smtp://u:p@mail.example.com?starttls=true",
            SmtpUrl("mail.example.com", 587, "starttls", "u", "p"),
        ),
        (
            "smtps://me%40example.com:p%2Fw@mail.example.com",
            SmtpUrl("mail.example.com", 465, "tls", "me@example.com", "p/w"),
        ),
        (
            "smtp://127.0.0.1:2525?starttls=false&cafile=/etc/ca.pem",
            SmtpUrl("127.0.0.1", 2525, "none", cafile="/etc/ca.pem"),
        ),
    ],
)
def test_smtp_urls_parse_with_their_defaults(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp://",
        "smtps://mail.example.com?starttls=true",
        "smtp://mail.example.com?starttls=maybe",
        "smtp://mail.example.com?tls=on",
        "smtp://:secret@mail.example.com",
        "smtp://mail.example.com:99999",
    ],
)
def test_bad_smtp_urls_are_refused_with_a_reason(url):
    with pytest.raises(ConfigError, match="OPSX_SMTP_URL"):
        load_config({"SMTP_URL": url})


def test_the_password_never_shows_in_the_redacted_url():
    url = parse_smtp_url("smtp://mailer:s3cret@mail.example.com?starttls=true")
    assert url.redacted() == "smtp://mailer:***@mail.example.com:587?starttls=true"


@pytest.mark.parametrize("missing", ["SMTP_URL", "MAIL_FROM", "PUBLIC_URL"])
def test_production_refuses_to_start_without(missing):
    with pytest.raises(ConfigError, match=f"OPSX_{missing}"):
        load_config({**PROD, missing: None})


def test_production_refuses_a_clear_text_password_and_http_links():
    with pytest.raises(ConfigError, match="in clear"):
        load_config({**PROD, "SMTP_URL": "smtp://u:p@mail.example.com"})
    with pytest.raises(ConfigError, match="https"):
        load_config({**PROD, "PUBLIC_URL": "http://app.example.com"})
    # A local relay without a login needs no TLS.
    assert load_config({**PROD, "SMTP_URL": "smtp://localhost"})["SMTP"].port == 25


def test_development_prints_emails_to_the_console(monkeypatch):
    for name in ("ENV", "SMTP_URL", "MAIL_FROM", "PUBLIC_URL"):
        monkeypatch.delenv(f"OPSX_{name}", raising=False)
    config = load_config()
    assert config["SMTP"] is None  # the console sender
    assert config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert "@" in config["MAIL_FROM"]
    with pytest.raises(ConfigError, match="OPSX_MAIL_FROM"):
        load_config({"MAIL_FROM": "nobody"})


def test_the_console_sender_prints_each_email_with_its_links():
    stream = io.StringIO()
    message = build_message(
        sender="OpsX <no-reply@opsx.localhost>",
        to_address="ada@example.test",
        to_name="Ada",
        subject="Reset your OpsX password",
        text_body="Hello Ada,\n\nhttp://127.0.0.1:5000/links/password-reset?token=t1\n",
        html_body="<p>Hello</p>",
        message_id="<1@opsx.localhost>",
    )

    result = ConsoleSender(stream).send(message)

    assert result.outcome == "sent"
    printed = stream.getvalue()
    assert "To: Ada <ada@example.test>" in printed
    assert "Subject: Reset your OpsX password" in printed
    assert "  http://127.0.0.1:5000/links/password-reset?token=t1" in printed


def test_flask_worker_without_smtp_prints_the_email(factory, app, runner, capfd):
    user = factory.make_user(factory.make_client(), name="Console Reader")
    queue_reset_mail(app, user, "http://127.0.0.1:5000/links/password-reset?token=c1")

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    printed = capfd.readouterr().out + result.output
    assert "To: Console Reader" in printed
    assert "http://127.0.0.1:5000/links/password-reset?token=c1" in printed
