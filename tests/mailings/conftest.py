"""Fixtures for the newsletter, referral and announcement tests: the SMTP server
and mail worker of tests/mail."""

from tests.mail.conftest import (  # noqa: F401  (fixtures)
    mailbox,
    make_mail_worker,
    send_mail,
    smtp,
    use_smtp,
)
