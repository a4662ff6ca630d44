"""The SMTP server and mail worker fixtures, for the email outcome metrics."""

from tests.mail.conftest import (  # noqa: F401  (fixtures)
    mailbox,
    make_mail_worker,
    send_mail,
    smtp,
    use_smtp,
)
