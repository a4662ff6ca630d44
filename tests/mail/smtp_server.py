"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it gets.

It can refuse chosen recipients (4xx or 5xx), answer slowly, require a login,
speak STARTTLS or TLS from the start, and be stopped and started again on the
same port (an outage).
"""

import asyncio
import email
import email.policy
import re
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.live import free_port

_LINK = re.compile(r"https?://[^\s\"<>]+")


class Mailbox:
    """The aiosmtpd handler: every message accepted, parsed, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # address -> SMTP reply for RCPT
        self.delay = 0.0  # seconds before answering DATA
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        with self._lock:
            self.messages.append(message)
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in list(self.messages) if address in m["To"]]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(("html",)).get_content()

    def link_in(self, message: EmailMessage) -> str:
        """The one link of a message's plain text (as a person would click it)."""
        [link] = set(_LINK.findall(self.text(message)))
        return link


class SmtpServer:
    """aiosmtpd on a free port of 127.0.0.1; `stop()` and `start()` for outages."""

    def __init__(self, *, credentials=None, tls=None, security="none") -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.credentials = credentials  # (user, password) to require a login
        self.tls = tls  # an ssl.SSLContext for STARTTLS or TLS
        self.security = security  # "none" | "starttls" | "tls"
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def url(self, user: str | None = None, password: str | None = None) -> str:
        scheme = "smtps" if self.security == "tls" else "smtp"
        auth = f"{user}:{password}@" if user else ""
        query = "?starttls=true" if self.security == "starttls" else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}{query}"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> "SmtpServer":
        options: dict = {"hostname": "127.0.0.1", "port": self.port}
        if self.credentials:
            options.update(
                authenticator=self._authenticate,
                auth_required=True,
                # aiosmtpd only knows TLS it negotiated itself (STARTTLS); with
                # TLS from the start (`security="tls"`) the session is TLS anyway.
                auth_require_tls=self.security == "starttls",
            )
        if self.security == "starttls":
            options.update(tls_context=self.tls, require_starttls=True)
        if self.security == "tls":
            options.update(ssl_context=self.tls)
        self._controller = Controller(self.mailbox, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
