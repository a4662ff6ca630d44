"""Fixtures for the outbox worker: an FCM emulator and workers pointed at it."""

from collections.abc import Callable, Iterator

import pytest

from opsx_api import db
from opsx_api.push.emulator import FcmEmulator
from opsx_api.push.worker import Worker, build_worker


@pytest.fixture
def emulator() -> Iterator[FcmEmulator]:
    """A started FCM emulator on a free port, stopped afterwards."""
    with FcmEmulator() as running:
        yield running


@pytest.fixture
def make_worker(app, emulator, monkeypatch) -> Callable[..., Worker]:
    """Build a worker on the test database that sends through pyfcm to the emulator."""
    monkeypatch.setitem(app.config, "FCM_ENDPOINT", emulator.origin)

    def make(**overrides) -> Worker:
        overrides.setdefault("threads", 4)
        overrides.setdefault("poll_seconds", 0.05)
        with app.app_context():
            return build_worker(app, engine=db.get_db().engine, **overrides)

    return make


@pytest.fixture
def deliver(make_worker) -> Callable[..., dict]:
    """One `flask worker --once` pass in process; returns the worker's tallies."""
    return lambda **overrides: dict(make_worker(**overrides).run(once=True))
