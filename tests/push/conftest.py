"""Fixtures for the outbox worker: an FCM emulator and workers pointed at it."""

from collections.abc import Callable, Iterator

import pytest

from opsx_api.delivery.worker import Worker
from opsx_api.push.emulator import FcmEmulator
from tests.workers import in_process_worker


@pytest.fixture
def emulator() -> Iterator[FcmEmulator]:
    """A started FCM emulator on a free port, stopped afterwards."""
    with FcmEmulator() as running:
        yield running


@pytest.fixture
def make_worker(app, emulator, monkeypatch) -> Callable[..., Worker]:
    """Build a worker on the test database that sends through pyfcm to the emulator."""
    monkeypatch.setitem(app.config, "FCM_ENDPOINT", emulator.origin)

    return lambda **overrides: in_process_worker(app, **overrides)


@pytest.fixture
def deliver(make_worker) -> Callable[..., dict]:
    """One `flask worker --once` pass in process; returns the worker's tallies."""
    return lambda **overrides: dict(make_worker(**overrides).run(once=True))
