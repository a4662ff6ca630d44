"""Fixtures for the privacy tests: the SMTP server and mail worker of tests/mail."""

from tests.mail.conftest import (  # noqa: F401  (fixtures)
    mailbox,
    make_mail_worker,
    send_mail,
    smtp,
    use_smtp,
)
from tests.support.conftest import kit  # noqa: F401  (fixture)
