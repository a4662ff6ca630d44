"""Login on one device: tokens bound to the device, the device policy, credentials."""

import threading
import uuid

from sqlalchemy import func, select

from models import AuditEvent, DeviceSession
from opsx_api import db
from tests.factories import assert_error


def live_sessions(app, user_id):
    with app.app_context():
        return db.session().scalar(
            select(func.count()).where(
                DeviceSession.user_id == user_id, DeviceSession.revoked_at.is_(None)
            )
        )


def test_login_returns_tokens_bound_to_the_device(factory, client):
    user = factory.make_user(factory.make_client())
    login = factory.login(user, device_id="phone-1", push_token="fcm-a")
    body = login.body
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["user"]["email"] == user.email
    assert "password_hash" not in body["user"]
    session = client.get("/api/v1/auth/session", headers=login.headers).get_json()
    assert session["id"] == body["session"]["id"]
    assert session["device"] == {
        "id": "phone-1",
        "platform": "android",
        "name": "Test phone",
    }
    assert session["push_registered"] is True


def test_second_device_is_refused_under_reject(factory, client):
    user = factory.make_user(factory.make_client(policy="reject"))
    first = factory.login(user, device_id="phone-1")
    second = factory.login(user, device_id="phone-2", expect=409)
    error = second.body["error"]
    assert error["code"] == "device_conflict"
    assert error["details"]["device"]["platform"] == "android"
    assert error["details"]["device"]["name"] == "Test phone"
    assert "last_seen_at" in error["details"]["device"]
    assert client.get("/api/v1/auth/session", headers=first.headers).status_code == 200


def test_second_device_replaces_the_first_under_replace(factory, client, app):
    user = factory.make_user(factory.make_client(policy="replace"))
    first = factory.login(user, device_id="phone-1", push_token="old-token")
    second = factory.login(user, device_id="phone-2")
    gone = client.get("/api/v1/auth/session", headers=first.headers)
    assert_error(gone, 401, "invalid_token")
    assert gone.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert client.get("/api/v1/auth/session", headers=second.headers).status_code == 200
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": first.refresh})
    assert refresh.get_json()["error"]["code"] == "invalid_grant"
    from models import Notification, PushDelivery

    with app.app_context():
        signal = db.session().scalar(
            select(PushDelivery)
            .join(Notification, Notification.id == PushDelivery.notification_id)
            .where(Notification.kind == "session_revoked")
        )
        assert signal.token == "old-token" and signal.status == "queued"


def test_login_again_on_the_same_device_replaces_its_session(factory, client, app):
    user = factory.make_user(factory.make_client(policy="reject"))
    first = factory.login(user, device_id="phone-1")
    second = factory.login(user, device_id="phone-1")
    assert first.session_id != second.session_id
    assert client.get("/api/v1/auth/session", headers=first.headers).status_code == 401
    assert client.get("/api/v1/auth/session", headers=second.headers).status_code == 200
    assert live_sessions(app, user.id) == 1


def test_logout_frees_the_device_slot(factory, client):
    user = factory.make_user(factory.make_client(policy="reject"))
    first = factory.login(user, device_id="phone-1", push_token="tok")
    assert client.post("/api/v1/auth/logout", headers=first.headers).status_code == 204
    assert client.get("/api/v1/auth/session", headers=first.headers).status_code == 401
    factory.login(user, device_id="phone-2")


def test_unknown_email_wrong_password_and_inactive_answer_alike(factory, client):
    company = factory.make_client()
    user = factory.make_user(company)
    inactive = factory.make_user(company)
    admin = factory.admin_of(company)
    admin_login = factory.login(admin)
    client.post(
        f"/api/v1/admin/users/{inactive.id}/deactivate",
        json={},
        headers=admin_login.headers,
    )
    answers = []
    for email, password in [
        ("nobody@example.test", "field-work-password-2026"),
        (user.email, "a-wrong-password-of-length"),
        (inactive.email, "field-work-password-2026"),
    ]:
        response = client.post(
            "/api/v1/auth/login",
            json={
                "email": email,
                "password": password,
                "device": {"id": "d1", "platform": "ios"},
            },
        )
        answers.append((response.status_code, response.get_json()))
    assert all(a == answers[0] for a in answers), answers
    assert answers[0][0] == 401
    assert answers[0][1]["error"]["code"] == "invalid_credentials"


def test_login_email_is_case_insensitive(factory, client):
    user = factory.make_user(factory.make_client())
    response = client.post(
        "/api/v1/auth/login",
        json={
            "email": "  " + user.email.upper(),
            "password": "field-work-password-2026",
            "device": {"id": "d1", "platform": "web"},
        },
    )
    assert response.status_code == 200


def test_login_records_ip_country_and_audit_event(factory, app):
    app.config.update(TRUSTED_PROXIES=0, COUNTRY_HEADER="X-Country")
    user = factory.make_user(factory.make_client())
    login = factory.login(user, headers={"X-Country": "fr"})
    with app.app_context():
        row = db.session().get(DeviceSession, uuid.UUID(login.session_id))
        assert row.login_ip == "127.0.0.1"
        # No trusted proxy: a client-sent country header is not believed.
        assert row.login_country is None
        event = db.session().scalar(
            select(AuditEvent).where(
                AuditEvent.action == "auth.login", AuditEvent.actor_id == user.id
            )
        )
        assert event.ip == "127.0.0.1" and event.target_id == login.session_id
    app.config.update(COUNTRY_HEADER=None)


def test_push_token_moves_to_the_new_owner_of_a_phone(factory, client, app):
    company = factory.make_client()
    alice, bob = factory.make_user(company), factory.make_user(company)
    a = factory.login(alice, device_id="shared-phone", push_token="phone-token")
    b = factory.login(bob, device_id="shared-phone", push_token="phone-token")
    a_session = client.get("/api/v1/auth/session", headers=a.headers).get_json()
    assert a_session["push_registered"] is False
    b_session = client.get("/api/v1/auth/session", headers=b.headers).get_json()
    assert b_session["push_registered"] is True


def test_push_token_update_and_detach(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    url = "/api/v1/auth/session/push-token"
    assert (
        client.put(url, json={"push_token": "new"}, headers=login.headers).status_code
        == 204
    )
    assert client.get("/api/v1/auth/session", headers=login.headers).get_json()[
        "push_registered"
    ]
    assert (
        client.put(url, json={"push_token": None}, headers=login.headers).status_code
        == 204
    )
    assert not client.get("/api/v1/auth/session", headers=login.headers).get_json()[
        "push_registered"
    ]
    bad = client.put(url, json={}, headers=login.headers)
    assert bad.status_code == 422
    assert client.put(url, json={"push_token": "x"}).status_code == 401


def test_ten_concurrent_logins_leave_one_live_session(factory, app, postgresql_only):
    for policy in ("reject", "replace"):
        user = factory.make_user(factory.make_client(policy=policy))
        statuses = []
        barrier = threading.Barrier(10)

        def attempt(i, user=user, statuses=statuses, barrier=barrier):
            with app.test_client() as http:
                barrier.wait()
                response = http.post(
                    "/api/v1/auth/login",
                    json={
                        "email": user.email,
                        "password": "field-work-password-2026",
                        "device": {"id": f"phone-{i}", "platform": "android"},
                    },
                )
                statuses.append(response.status_code)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert live_sessions(app, user.id) == 1, (policy, statuses)
        assert set(statuses) <= {200, 409}
        if policy == "reject":
            assert statuses.count(200) == 1, statuses
