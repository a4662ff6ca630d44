"""The MIME message of one queued email: multipart plain text and HTML."""

import email.policy
import email.utils
from email.headerregistry import Address
from email.message import EmailMessage

from opsx_api.clock import utcnow

# Headers set as objects fold as usual; a raw value (set_raw) is sent as is.
POLICY = email.policy.SMTP.clone(refold_source="none")


def _one_line(value: str) -> str:
    if any(ch in value for ch in "\r\n<>") or not value.isascii():
        raise ValueError("a List-Unsubscribe URL is one line of ASCII")
    return value


def build_message(
    *,
    sender: str,
    to_address: str,
    to_name: str,
    subject: str,
    text_body: str,
    html_body: str,
    message_id: str,
    list_unsubscribe: str | None = None,
) -> EmailMessage:
    """`multipart/alternative`, quoted-printable: 7-bit clean for any relay.

    With `list_unsubscribe` (a newsletter), the RFC 8058 headers: mail clients
    show an unsubscribe button that POSTs `List-Unsubscribe=One-Click` to it.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = Address(display_name=to_name, addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(utcnow())
    message["Message-ID"] = message_id
    # RFC 3834: a machine wrote this; out-of-office replies should stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    if list_unsubscribe:
        # Raw, so the long URL stays one line instead of becoming RFC 2047
        # encoded words that no mail client would read as a URL.
        message.set_raw("List-Unsubscribe", f"<{_one_line(list_unsubscribe)}>")
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text_body, cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", cte="quoted-printable")
    return message
