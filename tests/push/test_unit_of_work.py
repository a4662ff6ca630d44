"""One unit of work: a service that fails half-way leaves nothing written.

The same deactivation fails at its last step (the audit event) through the API
and through the CLI; the worker's claim fails after it has already marked a worn
push failed. Each time, everything the unit did before the failure is gone.
"""

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from models import PushDelivery, User
from opsx_api import db
from opsx_api.errors import Conflict
from opsx_api.services import audit
from tests.factories import assert_error
from tests.push.helpers import notify, push_for

real_record = audit.record


def failing_audit(monkeypatch) -> None:
    """The deactivation's audit event (its last write) raises."""

    def record(action, **fields):
        if action == "user.deactivated":
            raise Conflict("The audit trail refused the event.")
        return real_record(action, **fields)

    monkeypatch.setattr(audit, "record", record)


def assert_untouched(app, client, user, phone, notification_id) -> None:
    """The user is active, their phone's session works, their push still queued."""
    with app.app_context():
        assert db.session().get(User, user.id).status == "active"
    assert client.get("/api/v1/auth/session", headers=phone.headers).status_code == 200
    assert push_for(app, notification_id).status == "queued"


def test_a_failing_deactivation_through_the_api_writes_nothing(
    factory, app, client, monkeypatch
):
    company = factory.company()
    member = factory.make_user(company)
    phone = factory.login(member, push_token="member-phone")
    notification_id = notify(app, member)
    failing_audit(monkeypatch)

    response = client.post(
        f"/api/v1/admin/users/{member.id}/deactivate",
        json={},
        headers=company.headers,
    )

    assert_error(response, 409, "conflict")
    monkeypatch.undo()
    assert_untouched(app, client, member, phone, notification_id)


def test_a_failing_deactivation_through_the_cli_writes_nothing(
    factory, app, client, runner, monkeypatch
):
    company = factory.company()
    member = factory.make_user(company)
    phone = factory.login(member, push_token="member-phone")
    notification_id = notify(app, member)
    failing_audit(monkeypatch)

    result = runner.invoke(args=["admin", "deactivate-user", member.email, "--yes"])

    assert result.exit_code != 0
    monkeypatch.undo()
    assert_untouched(app, client, member, phone, notification_id)


def test_a_failing_claim_in_the_worker_writes_nothing(
    factory, app, deliver, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 1)
    user = factory.make_user(factory.make_client())
    factory.login(user, push_token="steady-phone")
    worn, fresh = notify(app, user), notify(app, user)
    with app.app_context():
        # Claimed once before by a worker that died: the claim gives it up.
        db.session().execute(
            update(PushDelivery)
            .where(PushDelivery.notification_id == worn)
            .values(attempts=1)
        )
        db.session().commit()

    def lease_fails(*args, **kwargs):
        raise OperationalError("UPDATE push_deliveries", {}, Exception("gone"))

    monkeypatch.setattr("opsx_api.delivery.lease.lease", lease_fails)

    deliver()

    assert (push_for(app, worn).status, push_for(app, fresh).status) == (
        "queued",
        "queued",
    )
    assert push_for(app, worn).attempts == 1
    assert emulator.messages == []
