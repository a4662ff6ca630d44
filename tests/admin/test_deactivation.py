"""Deactivation cuts a user off at once: API and CLI reach the same service."""

import threading
import uuid

from sqlalchemy import select

from models import AuditEvent, Notification, PushDelivery
from opsx_api import db
from opsx_api.services import outbox
from tests.factories import assert_error


def deactivate(client, admin_login, user_id, **body):
    return client.post(
        f"/api/v1/admin/users/{user_id}/deactivate",
        json=body,
        headers=admin_login.headers,
    )


def test_deactivation_revokes_access_on_next_request(factory, client, app):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    login = factory.login(user, push_token="leaver-token")
    assert client.get("/api/v1/me", headers=login.headers).status_code == 200
    with app.app_context():
        outbox.notify_user(db.session().merge(user), "broadcast", title="hi", body="x")
        db.session().commit()

    response = deactivate(client, admin, user.id, reason="left the company")
    assert response.status_code == 200
    assert response.get_json() == {
        "user_id": str(user.id),
        "sessions_revoked": 1,
        "push_tokens_removed": 1,
        "pushes_cancelled": 1,
    }
    me = client.get("/api/v1/me", headers=login.headers)
    assert_error(me, 401, "invalid_token")
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": login.refresh})
    assert refresh.get_json()["error"]["code"] == "invalid_grant"
    again = factory.login(user, expect=401)
    assert again.body["error"]["code"] == "invalid_credentials"

    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.action == "user.deactivated")
        )
        assert event.actor_id == admin.user.id and event.target_id == str(user.id)
        assert event.details["reason"] == "left the company"
        rows = (
            db.session()
            .execute(
                select(Notification.kind, PushDelivery.status, PushDelivery.token).join(
                    Notification, Notification.id == PushDelivery.notification_id
                )
            )
            .all()
        )
        assert ("broadcast", "cancelled", "leaver-token") in rows
        assert ("session_revoked", "queued", "leaver-token") in rows


def test_deactivation_is_repeatable(factory, client):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    factory.login(user)
    assert deactivate(client, admin, user.id).get_json()["sessions_revoked"] == 1
    second = deactivate(client, admin, user.id)
    assert second.status_code == 200
    assert second.get_json()["sessions_revoked"] == 0


def test_reactivation_does_not_bring_sessions_back(factory, client):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    login = factory.login(user)
    deactivate(client, admin, user.id)
    response = client.post(
        f"/api/v1/admin/users/{user.id}/reactivate", headers=admin.headers
    )
    assert response.status_code == 200 and response.get_json()["status"] == "active"
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    factory.login(user)


def test_deactivation_through_the_cli(factory, client, runner, app):
    company = factory.make_client()
    user = factory.make_user(company)
    login = factory.login(user, push_token="cli-token")
    result = runner.invoke(
        args=[
            "admin",
            "deactivate-user",
            user.email.upper(),
            "--reason",
            "left",
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "sessions_revoked: 1" in result.output
    assert "push_tokens_removed: 1" in result.output
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.action == "user.deactivated")
        )
        assert event.actor_role == "system" and event.target_id == str(user.id)


def test_revoke_tokens_keeps_the_account(factory, client, runner):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    result = runner.invoke(args=["admin", "revoke-tokens", user.email, "--yes"])
    assert result.exit_code == 0 and "sessions_revoked: 1" in result.output
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    factory.login(user)


def test_requests_after_deactivation_never_succeed_under_concurrency(
    factory, client, app, postgresql_only
):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    login = factory.login(user)
    done = threading.Event()
    late_successes = []

    def hammer():
        with app.test_client() as http:
            while True:
                started_after = done.is_set()
                status = http.get("/api/v1/me", headers=login.headers).status_code
                if started_after and status != 401:
                    late_successes.append(status)
                if started_after:
                    return

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    assert deactivate(client, admin, user.id).status_code == 200
    done.set()
    for t in threads:
        t.join(timeout=30)
    assert late_successes == []


def test_admin_deactivates_only_own_client_users(factory, client):
    a, b = factory.make_client(), factory.make_client()
    admin_a = factory.login(factory.admin_of(a))
    user_b = factory.make_user(b)
    response = deactivate(client, admin_a, user_b.id)
    assert_error(response, 404, "not_found")
    missing = deactivate(client, admin_a, uuid.uuid4())
    assert missing.status_code == 404


def test_member_cannot_deactivate(factory, client):
    company = factory.make_client()
    member = factory.login(factory.make_user(company))
    other = factory.make_user(company)
    response = deactivate(client, member, other.id)
    assert_error(response, 403, "forbidden")


def test_deactivate_rejects_unknown_fields(factory, client):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    response = deactivate(client, admin, user.id, reason="x", status="active")
    assert response.status_code == 422


def test_deactivate_without_token_is_401(factory, client):
    user = factory.make_user(factory.make_client())
    response = client.post(f"/api/v1/admin/users/{user.id}/deactivate", json={})
    assert response.status_code == 401
