"""A push whose outcome cannot be recorded never loops: the attempt limit holds.

The case found: FCM answered a message `name` longer than its column, the write
of the success failed, and the push was sent again at every lease expiry.
"""

from datetime import timedelta

from sqlalchemy.exc import OperationalError

from opsx_api import clock
from opsx_api.push import outcome
from tests.push.helpers import notify, push_for

LONG_NAME = "projects/opsx-test/messages/0:" + "9" * 300
LEASE = timedelta(seconds=61)  # past the default lease of 60 s


def phone(factory, token):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token=token)
    return user


def test_a_push_with_an_overlong_fcm_name_is_recorded_sent_once(
    factory, app, deliver, emulator
):
    user = phone(factory, "long-name-phone")
    notification_id = notify(app, user)
    emulator.script("long-name-phone", [{"name": LONG_NAME}], repeat_last=True)

    deliver()
    clock.advance(LEASE)
    deliver()

    row = push_for(app, notification_id)
    assert row.status == "sent"
    assert row.fcm_message_id is None  # it did not fit; the success still counts
    assert emulator.attempts("long-name-phone") == 1


def test_the_attempt_limit_applies_when_no_outcome_can_be_recorded(
    factory, app, deliver, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 3)

    def unwritable(*_args, **_kwargs):
        raise OperationalError("UPDATE push_deliveries", {}, Exception("disk full"))

    monkeypatch.setattr(outcome, "record_all", unwritable)
    user = phone(factory, "unrecorded-phone")
    notification_id = notify(app, user)

    for _ in range(6):
        deliver()
        clock.advance(LEASE)

    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in row.last_error
    assert emulator.attempts("unrecorded-phone") == 3


def test_one_unrecordable_outcome_does_not_resend_its_group(
    factory, app, deliver, emulator, monkeypatch
):
    write = outcome.record_all

    def poisoned(engine, items, policy):
        if any(job.token == "poison-phone" for job, _ in items):
            raise OperationalError("UPDATE push_deliveries", {}, Exception("bad row"))
        return write(engine, items, policy)

    monkeypatch.setattr(outcome, "record_all", poisoned)
    healthy = [notify(app, phone(factory, f"healthy-{n}")) for n in range(3)]
    poison = notify(app, phone(factory, "poison-phone"))

    deliver()

    assert [push_for(app, n).status for n in healthy] == ["sent"] * 3
    assert push_for(app, poison).status == "queued"
