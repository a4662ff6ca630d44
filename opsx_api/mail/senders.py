"""Who hands a message over: an SMTP server, or the console in development.

Both answer a classified `SendResult` and never raise for a mail problem; the
worker owns retries. One SMTP connection per message: simple and robust, and
the volume (invitations, resets, notices) does not need more.
"""

import contextlib
import re
import smtplib
import socket
import ssl
import sys
import threading
from email.message import EmailMessage
from typing import IO

from opsx_api.delivery.result import Outcome, SendResult
from opsx_api.mail.smtp_url import SmtpUrl

_LINK = re.compile(r"https?://\S+")


class SmtpSender:
    """Sends through the server of `OPSX_SMTP_URL`, one connection per message."""

    def __init__(self, url: SmtpUrl, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        self._tls = ssl.create_default_context(cafile=url.cafile)

    def send(self, message: EmailMessage) -> SendResult:
        try:
            smtp = self._connect()
        except Exception as exc:  # noqa: BLE001 - classified, never raised
            return classify(exc)
        try:
            smtp.send_message(message)
        except Exception as exc:  # noqa: BLE001
            return classify(exc)
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()  # the message is accepted: a failed QUIT changes nothing
            smtp.close()
        return SendResult("sent", message_id=message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        url, host = self.url, socket.gethostname()
        if url.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                url.host,
                url.port,
                local_hostname=host,
                timeout=self.timeout,
                context=self._tls,
            )
        else:
            smtp = smtplib.SMTP(
                url.host, url.port, local_hostname=host, timeout=self.timeout
            )
        try:
            if url.security == "starttls":
                smtp.starttls(context=self._tls)
            if url.username:
                smtp.login(url.username, url.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


def classify(exc: BaseException) -> SendResult:
    """What an smtplib or socket error means for the email (README, Email)."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _ours(exc, "authentication refused")
    if isinstance(exc, smtplib.SMTPHeloError):
        return _ours(exc, f"greeting refused: {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _ours(exc, f"server does not support it: {exc}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _ours(exc, f"certificate not trusted: {exc.verify_message}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()), (450, b""))
        return _answer(code, reply, "recipient refused")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        if exc.smtp_code >= 500:  # our From address: ours to fix
            return _ours(exc, f"sender refused: {_text(exc.smtp_error)}")
        return _answer(exc.smtp_code, exc.smtp_error, "sender refused")
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return _unreachable(name, str(exc))
    if isinstance(exc, smtplib.SMTPResponseException):
        return _answer(exc.smtp_code, exc.smtp_error, name)
    if isinstance(exc, OSError):  # refused, timed out, DNS, TLS handshake
        return _unreachable(name, str(exc))
    return SendResult("retry", detail=f"{name}: {exc}"[:200])


def _answer(code: int, reply: bytes | str, what: str) -> SendResult:
    """The server answered about this message: 5xx is final, 4xx is retried."""
    outcome: Outcome = "failed" if code >= 500 else "retry"
    return SendResult(
        outcome, error_code=str(code), detail=f"{what}: {_text(reply)}"[:200]
    )


def _ours(exc: BaseException, detail: str) -> SendResult:
    code = getattr(exc, "smtp_code", None)
    return SendResult(
        "config_error",
        error_code=str(code) if code else type(exc).__name__,
        detail=detail[:200],
        counted=False,
    )


def _unreachable(name: str, detail: str) -> SendResult:
    return SendResult(
        "retry",
        error_code="unreachable",
        detail=f"{name}: {detail}"[:200],
        counted=False,
    )


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


class ConsoleSender:
    """Development without `OPSX_SMTP_URL`: print each email and its links."""

    timeout = 1.0

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> SendResult:
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        links = _LINK.findall(text)
        lines = [
            "----- email (console: OPSX_SMTP_URL is not set; nothing is sent) -----",
            f"From: {message['From']}",
            f"To: {message['To']}",
            f"Subject: {message['Subject']}",
            f"Message-ID: {message['Message-ID']}",
            "",
            text.rstrip(),
            "",
            *(["links:", *(f"  {link}" for link in links)] if links else []),
            "-----",
        ]
        with self._lock:
            stream = self.stream or sys.stdout
            print("\n".join(lines), file=stream, flush=True)
        return SendResult("sent", message_id=message["Message-ID"])
