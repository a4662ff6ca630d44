"""Fixtures for email: a real SMTP server, and workers that send through it."""

from collections.abc import Callable, Iterator

import pytest

from opsx_api.delivery.worker import Worker
from opsx_api.mail.smtp_url import parse_smtp_url
from tests.mail.smtp_server import Mailbox, SmtpServer
from tests.workers import in_process_worker


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A started aiosmtpd server on a free port of 127.0.0.1, stopped afterwards."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def mailbox(smtp) -> Mailbox:
    """What the test SMTP server received."""
    return smtp.mailbox


@pytest.fixture
def use_smtp(app, monkeypatch) -> Callable[[str], None]:
    """Point the app's email channel at an SMTP URL for this test."""

    def use(url: str) -> None:
        monkeypatch.setitem(app.config, "SMTP_URL", url)
        monkeypatch.setitem(app.config, "SMTP", parse_smtp_url(url))
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5.0)

    return use


@pytest.fixture
def make_mail_worker(app, smtp, use_smtp) -> Callable[..., Worker]:
    """Build a worker on the test database that sends through the test server."""
    use_smtp(smtp.url())

    return lambda **overrides: in_process_worker(app, **overrides)


@pytest.fixture
def send_mail(make_mail_worker) -> Callable[..., dict]:
    """One `flask worker --once` pass in process; returns the worker's tallies."""
    return lambda **overrides: dict(make_mail_worker(**overrides).run(once=True))
