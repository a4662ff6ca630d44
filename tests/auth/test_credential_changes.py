"""A credential change ends everything opened before it (issue 8, findings 2, 3, 9).

Password change, deactivation and an admin's revoke-tokens bump the user's
credential version: sessions opened under an older one die on their next request,
including one whose login was in flight, and reactivation never revives one.
"""

import threading

from sqlalchemy import func, select

from models import DeviceSession, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.auth import passwords
from opsx_api.services import credentials, sessions, users
from tests.factories import PASSWORD, assert_error

NEW_PASSWORD = "a-brand-new-long-passphrase"


def change_password(client, login, current=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        "/api/v1/me/password",
        json={"current_password": current, "new_password": new},
        headers=login.headers,
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def refresh(client, token: str):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def live_sessions(app, user_id) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count())
            .select_from(DeviceSession)
            .where(DeviceSession.user_id == user_id, DeviceSession.revoked_at.is_(None))
        )


def test_password_change_answers_a_fresh_pair_and_kills_every_earlier_token(
    factory, client
):
    user = factory.make_user(factory.make_client())
    login = factory.login(user, push_token="fcm-phone-1")
    stolen_refresh = login.refresh  # a thief's copy
    response = change_password(client, login)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    # This device carries on with the new pair, on the same phone and push token.
    session = client.get("/api/v1/auth/session", headers=bearer(body["access_token"]))
    assert session.status_code == 200
    assert session.get_json()["device"]["id"] == login.device_id
    assert session.get_json()["push_registered"] is True
    # Every earlier token is dead, this device's own included.
    old = client.get("/api/v1/auth/session", headers=login.headers)
    assert_error(old, 401, "invalid_token")
    reused = refresh(client, stolen_refresh)
    assert_error(reused, 401, "invalid_grant")
    # The new refresh token works, and the new session survived the thief's try.
    assert refresh(client, body["refresh_token"]).status_code == 200


def test_wrong_current_password_counts_as_a_failed_login(factory, client, app):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 3
    try:
        user = factory.make_user(factory.make_client())
        login = factory.login(user)
        for _ in range(3):
            wrong = change_password(client, login, current="not-my-password-at-all")
            assert_error(wrong, 403, "invalid_credentials")
        throttled = change_password(client, login)  # even the right one, now
        assert_error(throttled, 429, "too_many_attempts")
        assert int(throttled.headers["Retry-After"]) > 0
        # The same count guards the login form.
        factory.login(user, expect=429)
    finally:
        app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 10


def test_a_right_current_password_clears_the_failures(factory, client, app):
    app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 3
    try:
        user = factory.make_user(factory.make_client())
        login = factory.login(user)
        for _ in range(2):
            change_password(client, login, current="not-my-password-at-all")
        assert change_password(client, login).status_code == 200
        for _ in range(2):
            factory.login(user, password="still-not-my-password", expect=401)
        same_phone = {"device_id": login.device_id, "password": NEW_PASSWORD}
        factory.login(user, **same_phone)
    finally:
        app.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 10


def test_reactivation_never_revives_a_session(factory, client, app):
    company = factory.make_client()
    user = factory.make_user(company)
    login = factory.login(user, push_token="fcm-phone-2")
    with app.app_context(), db.unit_of_work():
        users.deactivate(db.session().get(User, user.id), actor=Actor.system())
        users.reactivate(db.session().get(User, user.id), actor=Actor.system())
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    assert refresh(client, login.refresh).status_code == 401
    assert live_sessions(app, user.id) == 0


def _while_a_login_is_in_flight(app, monkeypatch, user_id, action):
    """Run `action` on the user in another transaction right after a login has
    verified the password, before it opens its session (a login in flight)."""
    verify = passwords.verify_password
    fired = []

    def verify_then_change(hashed, password):
        ok = verify(hashed, password)
        if not fired:
            fired.append(True)
            with app.app_context(), db.unit_of_work():
                action(sessions.lock_user(user_id))
        return ok

    monkeypatch.setattr(passwords, "verify_password", verify_then_change)


def test_a_login_in_flight_does_not_survive_a_password_change(
    factory, client, app, monkeypatch, postgresql_only
):
    user = factory.make_user(factory.make_client())
    _while_a_login_is_in_flight(
        app,
        monkeypatch,
        user.id,
        lambda locked: credentials.set_password(
            locked, NEW_PASSWORD, reason="password_reset"
        ),
    )
    in_flight = factory.login(user, expect=None)
    assert in_flight.status == 401
    assert in_flight.body["error"]["code"] == "invalid_credentials"
    assert live_sessions(app, user.id) == 0
    monkeypatch.undo()
    factory.login(user, password=NEW_PASSWORD)


def test_a_login_in_flight_does_not_survive_a_deactivation(
    factory, client, app, monkeypatch, postgresql_only
):
    user = factory.make_user(factory.make_client())
    _while_a_login_is_in_flight(
        app,
        monkeypatch,
        user.id,
        lambda locked: users.deactivate(locked, actor=Actor.system()),
    )
    in_flight = factory.login(user, push_token="fcm-in-flight", expect=None)
    assert in_flight.status == 401
    monkeypatch.undo()
    with app.app_context(), db.unit_of_work():
        users.reactivate(db.session().get(User, user.id), actor=Actor.system())
        tokens = db.session().scalars(
            select(DeviceSession.push_token).where(DeviceSession.user_id == user.id)
        )
        assert [t for t in tokens if t] == []
    assert live_sessions(app, user.id) == 0


def test_a_login_looping_the_old_password_never_holds_a_session_after_a_change(
    factory, app, postgresql_only
):
    """Real threads against gunicorn on PostgreSQL, with the production hash cost.

    An attacker loops logins with the old password while the victim's password
    changes. Afterwards no token any of those logins obtained works, and the user
    has no live session.
    """
    from tests.conftest import PG_URL, TEST_CONFIG
    from tests.live import gunicorn, post_json

    company = factory.make_client(policy="replace")
    app.config["ARGON2_PROFILE"] = "owasp"  # ~70 ms a verification: a real window
    try:
        user = factory.make_user(company)
    finally:
        app.config["ARGON2_PROFILE"] = "test"
    env = {"OPSX_JWT_KEYS": TEST_CONFIG["JWT_KEYS"], "OPSX_ARGON2_PROFILE": "owasp"}
    obtained: list[dict] = []
    refused: list[tuple[int, dict]] = []
    first_success, stop = threading.Event(), threading.Event()
    with gunicorn(PG_URL, workers=2, threads=4, **env) as port:
        base = f"http://127.0.0.1:{port}/api/v1"

        def loop(n: int) -> None:
            while not stop.is_set():
                status, body = post_json(
                    f"{base}/auth/login",
                    {
                        "email": user.email,
                        "password": PASSWORD,
                        "device": {"id": f"attacker-{n}", "platform": "android"},
                    },
                )
                if status == 200:
                    obtained.append(body)
                    first_success.set()
                else:
                    refused.append((status, body))

        threads = [threading.Thread(target=loop, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        # Bounded: the change happens while logins keep coming, after one landed.
        landed = first_success.wait(30)
        stop.wait(0.5)
        with app.app_context(), db.unit_of_work():
            locked = sessions.lock_user(user.id)
            credentials.set_password(locked, NEW_PASSWORD, reason="password_changed")
        stop.wait(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert landed, f"no login succeeded before the change: {refused[:3]}"
        for body in obtained:
            status, _ = post_json(
                f"{base}/auth/refresh", {"refresh_token": body["refresh_token"]}
            )
            assert status == 401
            status, _ = post_json(
                f"{base}/auth/logout", {}, headers=bearer(body["access_token"])
            )
            assert status == 401
    assert live_sessions(app, user.id) == 0


def test_revoke_tokens_is_a_credential_change_too(factory, client, app):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    with app.app_context(), db.unit_of_work():
        before = db.session().get(User, user.id).credential_version
        users.revoke_tokens(db.session().get(User, user.id), actor=Actor.system())
        assert db.session().get(User, user.id).credential_version == before + 1
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    factory.login(user)
