"""The MIME message of one queued email: multipart plain text and HTML."""

import email.policy
import email.utils
from email.headerregistry import Address
from email.message import EmailMessage

from opsx_api.clock import utcnow


def build_message(
    *,
    sender: str,
    to_address: str,
    to_name: str,
    subject: str,
    text_body: str,
    html_body: str,
    message_id: str,
) -> EmailMessage:
    """`multipart/alternative`, quoted-printable: 7-bit clean for any relay."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = Address(display_name=to_name, addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(utcnow())
    message["Message-ID"] = message_id
    # RFC 3834: a machine wrote this; out-of-office replies should stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text_body, cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", cte="quoted-printable")
    return message
