"""The worker delivers through pyfcm to the FCM emulator, and only where it should."""

import time
from dataclasses import replace

from sqlalchemy import update

from models import User
from opsx_api import db
from opsx_api.push import claim
from tests.push.helpers import kinds_and_statuses, notify, push_for, pushes


def test_assignment_reaches_the_assignee_once_with_the_documented_payload(
    factory, app, client, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    login = factory.login(user, push_token="assignee-phone")
    notification_id = notify(
        app,
        user,
        "prospect_assigned",
        title="New prospect",
        body="Ada Lovelace was assigned to you",
        data={"prospect_id": "p-42", "priority": 2, "hot": True},
    )

    assert deliver() == {"sent": 1}

    [message] = emulator.messages
    collapse = f"prospect_assigned:{notification_id.hex[:16]}"
    assert message["token"] == "assignee-phone"
    assert message["message"] == {
        "token": "assignee-phone",
        "notification": {
            "title": "New prospect",
            "body": "Ada Lovelace was assigned to you",
        },
        "data": {
            "kind": "prospect_assigned",
            "notification_id": str(notification_id),
            "prospect_id": "p-42",
            "priority": "2",
            "hot": "true",
        },
        "android": {"collapse_key": collapse},
        "apns": {"headers": {"apns-collapse-id": collapse}},
    }
    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.fcm_message_id == message["name"]
    inbox = client.get("/api/v1/me/notifications", headers=login.headers).get_json()
    assert [(n["id"], n["kind"], n["read"]) for n in inbox["data"]] == [
        (str(notification_id), "prospect_assigned", False)
    ]
    assert deliver() == {}  # nothing is sent twice
    assert emulator.attempts("assignee-phone") == 1


def test_data_values_become_strings_and_reserved_keys_are_dropped(
    factory, app, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="strings-phone")
    notify(
        app,
        user,
        data={"nested": {"b": 1, "a": [1, 2]}, "none": None, "from": "x", "kind": "y"},
    )

    deliver()

    data = emulator.messages[0]["message"]["data"]
    assert data["nested"] == '{"a":[1,2],"b":1}'
    assert data["none"] == ""
    assert "from" not in data
    assert data["kind"] == "prospect_assigned"  # the payload's own keys win


def test_unregistered_token_is_detached_and_never_used_again(
    factory, app, client, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    login = factory.login(user, push_token="dead-phone")
    first = notify(app, user)
    second = notify(app, user, title="Another one")
    emulator.set_unregistered("dead-phone")

    deliver(threads=1, batch=1)

    assert emulator.attempts("dead-phone") == 1
    assert push_for(app, first).status == "invalid_token"
    assert push_for(app, first).last_error.startswith("invalid_token HTTP 404")
    assert push_for(app, second).status == "invalid_token"
    session = client.get("/api/v1/auth/session", headers=login.headers).get_json()
    assert session["push_registered"] is False
    later = notify(app, user, title="After the token died")
    assert pushes(app, notification_id=later) == []  # inbox only
    deliver()
    assert emulator.attempts("dead-phone") == 1


def test_deactivation_signs_the_device_out_and_nothing_more_reaches_it(
    factory, app, client, deliver, emulator
):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    login = factory.login(user, push_token="leaver-phone")
    notify(app, user)
    notify(app, user, "broadcast", title="All hands", body="9am")

    response = client.post(
        f"/api/v1/admin/users/{user.id}/deactivate", json={}, headers=admin.headers
    )
    assert response.get_json()["pushes_cancelled"] == 2
    notify(app, user, title="Assigned after leaving")  # a late trigger
    deliver()

    [message] = emulator.messages
    assert message["token"] == "leaver-phone"
    assert "notification" not in message["message"]  # data-only
    data = message["message"]["data"]
    assert data["kind"] == "session_revoked"
    assert data["session_id"] == login.session_id
    assert data["reason"] == "deactivated"
    assert sorted(kinds_and_statuses(app)) == [
        ("broadcast", "cancelled"),
        ("prospect_assigned", "cancelled"),
        ("session_revoked", "sent"),
    ]
    deliver()
    assert emulator.attempts("leaver-phone") == 1


def test_a_push_queued_before_deactivation_is_cancelled_at_send_time(
    factory, app, deliver, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="raced-phone")
    notification_id = notify(app, user)
    with app.app_context():  # as if deactivated by a path that missed the outbox
        db.session().execute(
            update(User).where(User.id == user.id).values(status="deactivated")
        )
        db.session().commit()

    assert deliver() == {}

    row = push_for(app, notification_id)
    assert (row.status, row.last_error) == ("cancelled", "user is not active")
    assert emulator.attempts("raced-phone") == 0


def test_a_phone_that_changed_hands_gets_only_the_new_owners_pushes(
    factory, app, deliver, emulator
):
    first_owner = factory.make_user(factory.make_client())
    next_owner = factory.make_user(factory.make_client())
    factory.login(first_owner, push_token="shared-phone")
    for_first = notify(app, first_owner, title="For the first owner")
    factory.login(next_owner, push_token="shared-phone")
    for_next = notify(app, next_owner, title="For the next owner")
    also_first = notify(app, first_owner, title="Also for the first owner")

    deliver()

    [message] = emulator.messages
    assert message["message"]["data"]["notification_id"] == str(for_next)
    assert push_for(app, for_next).status == "sent"
    first = push_for(app, for_first)
    assert (first.status, first.last_error) == (
        "cancelled",
        "session no longer holds this token",
    )
    assert pushes(app, notification_id=also_first) == []  # no device any more


def test_a_sign_out_signal_never_reaches_the_phones_next_owner(
    factory, app, client, deliver, emulator
):
    company = factory.company()
    admin = company.admin_login
    first_owner = factory.make_user(company)
    first = factory.login(first_owner, push_token="handed-on-phone")
    released = client.delete(
        f"/api/v1/admin/sessions/{first.session_id}", headers=admin.headers
    )
    assert released.status_code == 204
    factory.login(factory.make_user(company), push_token="handed-on-phone")

    deliver()

    assert emulator.attempts("handed-on-phone") == 0
    assert kinds_and_statuses(app) == [("session_revoked", "cancelled")]


def test_a_released_device_gets_its_sign_out_signal(factory, app, client, deliver):
    company = factory.company()
    admin = company.admin_login
    login = factory.login(factory.make_user(company), push_token="released-phone")
    notify(app, login.user)
    client.delete(f"/api/v1/admin/sessions/{login.session_id}", headers=admin.headers)

    deliver()

    assert sorted(kinds_and_statuses(app)) == [
        ("prospect_assigned", "cancelled"),
        ("session_revoked", "sent"),
    ]


def test_a_payload_fcm_refuses_fails_without_retrying(factory, app, deliver, emulator):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="refused-phone")
    notification_id = notify(app, user)
    emulator.script("refused-phone", [{"error_code": "INVALID_ARGUMENT"}])

    assert deliver() == {"failed": 1}

    row = push_for(app, notification_id)
    assert row.status == "failed" and "INVALID_ARGUMENT" in row.last_error


def claim_one(app):
    with app.app_context():
        [job] = claim.claim_due(db.get_db().engine, 1, lease_seconds=60, idle_days=30)
    return job


def test_a_push_that_waited_is_checked_again_right_before_sending(
    factory, app, make_worker, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="waiting-phone")
    notification_id = notify(app, user)
    job = claim_one(app)
    with app.app_context():  # deactivated while the push sat in the pool
        db.session().execute(
            update(User).where(User.id == user.id).values(status="deactivated")
        )
        db.session().commit()
    worker = make_worker()

    worker._deliver(
        worker.channel("push"), replace(job, claimed_at=time.monotonic() - 2)
    )

    assert emulator.attempts("waiting-phone") == 0
    assert push_for(app, notification_id).status == "cancelled"


def test_a_push_whose_lease_may_run_out_is_handed_back_unsent(
    factory, app, make_worker, emulator
):
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="late-phone")
    notification_id = notify(app, user)
    job = claim_one(app)
    worker = make_worker()

    worker._deliver(
        worker.channel("push"), replace(job, claimed_at=time.monotonic() - 59)
    )

    assert emulator.attempts("late-phone") == 0
    row = push_for(app, notification_id)
    assert (row.status, row.attempts) == ("queued", 0)  # due again at once


def test_flask_worker_once_delivers_what_is_due_and_exits(
    factory, app, runner, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "FCM_ENDPOINT", emulator.origin)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="cli-phone")
    notification_id = notify(app, user)

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert push_for(app, notification_id).status == "sent"
    assert [m["token"] for m in emulator.messages] == ["cli-phone"]


def test_flask_worker_refuses_a_broken_fcm_configuration_in_one_line(
    app, runner, monkeypatch
):
    monkeypatch.setitem(app.config, "FCM_ENDPOINT", None)
    monkeypatch.setitem(app.config, "FCM_CREDENTIALS", None)

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: FCM configuration: FCM credentials are required to reach Google's FCM"
    ]
