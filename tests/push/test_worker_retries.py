"""Retries: exponential backoff with jitter, Retry-After, limits, config faults."""

import json
import logging
import random
import threading
import time
from datetime import timedelta

import pytest

from opsx_api import clock, db
from opsx_api.push import claim
from opsx_api.push.fcm_result import SendResult
from opsx_api.push.outcome import RetryPolicy, record_all, retry_delay
from opsx_api.request_log import JsonFormatter
from tests.push.helpers import notify, push_for


def delay_of(row) -> float:
    """Seconds between recording an attempt and the next one being due."""
    return (row.next_attempt_at - row.updated_at).total_seconds()


def test_three_503s_then_success_is_delivered_once_after_growing_backoff(
    factory, app, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="flaky-phone")
    notification_id = notify(app, user)
    emulator.script("flaky-phone", [{"status": 503}] * 3)

    for attempt, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0)):
        deliver()
        row = push_for(app, notification_id)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert "UNAVAILABLE" in row.last_error
        assert ceiling / 2 <= delay_of(row) <= ceiling  # jittered, never early
        deliver()  # not due yet: nothing is sent
        assert emulator.attempts("flaky-phone") == attempt
        clock.advance(timedelta(seconds=ceiling))

    deliver()

    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("sent", 4)
    assert emulator.attempts("flaky-phone") == 4
    assert len(emulator.messages) == 1


def test_429_with_retry_after_is_not_retried_before_it(
    factory, app, make_worker, emulator, monkeypatch
):
    # A tiny backoff, so only Retry-After can hold the second attempt back.
    monkeypatch.setitem(app.config, "PUSH_BACKOFF_BASE_SECONDS", 0.05)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="throttled-phone")
    notification_id = notify(app, user)
    emulator.script("throttled-phone", [{"status": 429, "retry_after": 2}])
    worker = make_worker(poll_seconds=0.05)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        deadline = time.monotonic() + 10
        while not emulator.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        running.join(timeout=10)

    first, second = emulator.attempt_log("throttled-phone")
    assert (first.status, second.status) == (429, 200)
    assert second.received_at - first.received_at >= 2.0
    assert push_for(app, notification_id).status == "sent"


def test_retry_after_sets_the_next_attempt_on_the_clock(
    factory, app, deliver, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "PUSH_BACKOFF_BASE_SECONDS", 0.05)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="quota-phone")
    notification_id = notify(app, user)
    quota = {"error_code": "QUOTA_EXCEEDED", "retry_after": 30}
    emulator.script("quota-phone", [quota])

    deliver()

    assert delay_of(push_for(app, notification_id)) >= 30
    clock.advance(timedelta(seconds=29))
    deliver()
    assert emulator.attempts("quota-phone") == 1
    clock.advance(timedelta(seconds=2))
    deliver()
    assert push_for(app, notification_id).status == "sent"


def test_a_push_fails_after_the_attempt_limit(
    factory, app, deliver, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 2)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="down-phone")
    notification_id = notify(app, user)
    emulator.script("down-phone", [{"status": 500}], repeat_last=True)

    deliver()
    clock.advance(timedelta(seconds=5))
    deliver()

    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error.startswith("gave up after 2 attempts")
    clock.advance(timedelta(hours=1))
    deliver()
    assert emulator.attempts("down-phone") == 2


def test_a_configuration_fault_alerts_and_waits_long_but_not_forever(
    factory, app, deliver, emulator, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 2)
    logging.getLogger("opsx.worker").addHandler(caplog.handler)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="misconfigured-phone")
    notification_id = notify(app, user)
    emulator.script("misconfigured-phone", [{"status": 401}], repeat_last=True)
    try:
        deliver()
        row = push_for(app, notification_id)
        assert (row.status, row.attempts) == ("queued", 1)
        assert delay_of(row) >= app.config["PUSH_CONFIG_ERROR_BACKOFF_SECONDS"]
        clock.advance(timedelta(minutes=5))
        deliver()
        assert emulator.attempts("misconfigured-phone") == 1
        clock.advance(timedelta(minutes=6))
        deliver()
    finally:
        logging.getLogger("opsx.worker").removeHandler(caplog.handler)

    assert push_for(app, notification_id).status == "failed"
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert alerts, "no ERROR line for the configuration fault"
    line = json.loads(JsonFormatter().format(alerts[0]))
    assert line["level"] == "error"
    assert line["event"] == "fcm.configuration_fault"
    assert line["error_code"] == "UNAUTHENTICATED"


def test_a_crashed_workers_lease_runs_out_and_the_push_goes_again(
    factory, app, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="orphan-phone")
    notification_id = notify(app, user)
    with app.app_context():  # a worker claims it, then dies before sending
        [job] = claim.claim_due(db.get_db().engine, 10, lease_seconds=60, idle_days=30)

    assert deliver() == {}  # leased: nobody else takes it
    clock.advance(timedelta(seconds=61))
    assert deliver() == {"sent": 1}
    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("sent", 2)

    with app.app_context():  # the first worker wakes up late: its write is ignored
        late = SendResult("retry", http_status=503, error_code="UNAVAILABLE")
        assert record_all(db.get_db().engine, [(job, late)], RetryPolicy()) == [None]
    assert push_for(app, notification_id).status == "sent"


@pytest.mark.parametrize("attempts", [1, 2, 5, 12])
def test_backoff_is_exponential_jittered_and_capped(attempts):
    policy = RetryPolicy(backoff_base=2, backoff_max=60)
    ceiling = min(60, 2 * 2 ** (attempts - 1))
    delays = [
        retry_delay(attempts, policy, rng=random.Random(seed)) for seed in range(50)
    ]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len({round(d, 6) for d in delays}) > 1  # jitter spreads them out


def test_retry_after_is_a_floor_and_config_faults_wait_long():
    policy = RetryPolicy(backoff_base=2, config_error_backoff=600)
    assert retry_delay(1, policy, retry_after=30) >= 30
    assert retry_delay(1, policy, config_error=True) >= 600
    assert retry_delay(1, policy, retry_after=10**9) <= 86_400
