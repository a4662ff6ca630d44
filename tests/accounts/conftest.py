"""Fixtures for account flows: the phase-1 SMTP server and mail worker, re-used."""

from tests.mail.conftest import (  # noqa: F401  (fixtures)
    mailbox,
    make_mail_worker,
    send_mail,
    smtp,
    use_smtp,
)
