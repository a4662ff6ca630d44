"""Failed logins are throttled per account and per IP, in the database."""

import threading
import time
from datetime import timedelta

from opsx_api import clock


def attempt(client, email, password="a-wrong-password-here", headers=None):
    return client.post(
        "/api/v1/auth/login",
        json={
            "email": email,
            "password": password,
            "device": {"id": "d", "platform": "android"},
        },
        headers=headers or {},
    )


def test_account_is_throttled_well_before_100_attempts(factory, client):
    user = factory.make_user(factory.make_client())
    statuses = [attempt(client, user.email).status_code for _ in range(20)]
    assert 429 in statuses
    first_429 = statuses.index(429)
    assert first_429 <= 10
    response = attempt(client, user.email)
    assert response.get_json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(response.headers["Retry-After"]) <= 900
    # Even the right password is refused while throttled: no oracle.
    assert attempt(client, user.email, "field-work-password-2026").status_code == 429


def test_throttle_lifts_after_the_window(factory, client):
    user = factory.make_user(factory.make_client())
    for _ in range(10):
        attempt(client, user.email)
    assert attempt(client, user.email).status_code == 429
    clock.advance(timedelta(seconds=901))
    assert attempt(client, user.email, "field-work-password-2026").status_code == 200


def test_ip_is_throttled_across_accounts(client):
    statuses = [
        attempt(client, f"nobody{i}@example.test").status_code for i in range(40)
    ]
    assert 429 in statuses and statuses.index(429) <= 30


def test_changing_forwarded_for_from_untrusted_peer_does_not_help(client, app):
    assert app.config["TRUSTED_PROXIES"] == 0
    statuses = [
        attempt(
            client,
            f"nobody{i}@example.test",
            headers={"X-Forwarded-For": f"10.0.{i}.1"},
        ).status_code
        for i in range(40)
    ]
    assert 429 in statuses and statuses.index(429) <= 30


def test_trusted_proxy_hop_is_honoured(app, backend, tmp_path):
    """Behind one trusted proxy, the address it forwards is the client's."""
    import uuid

    from models import Base, DeviceSession
    from opsx_api import db
    from tests.conftest import build_app
    from tests.factories import Factory

    proxied = build_app(backend, tmp_path, TRUSTED_PROXIES=1)
    with proxied.app_context():
        Base.metadata.create_all(db.get_db().engine)
    http = proxied.test_client()
    factory = Factory(proxied, http)
    user = factory.make_user(factory.make_client())
    login = factory.login(
        user,
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
    )
    with proxied.app_context():
        row = db.session().get(DeviceSession, uuid.UUID(login.session_id))
        assert row.login_ip == "203.0.113.9"
        db.get_db().dispose()


def test_success_clears_the_account_counter(factory, client):
    user = factory.make_user(factory.make_client())
    for _ in range(5):
        attempt(client, user.email)
    assert attempt(client, user.email, "field-work-password-2026").status_code == 200
    for _ in range(5):
        assert attempt(client, user.email).status_code == 401


def guess_at_once(app, monkeypatch, emails: list[str]) -> tuple[list, list]:
    """One wrong password per email, all released at once from real threads.

    Each verification is counted and slowed down, so that were the throttle
    check-then-insert, every guess would pass the check before any failure was
    recorded. Returns (passwords verified, statuses).
    """
    from opsx_api.auth import passwords

    verified, statuses = [], []
    verify = passwords.verify_password

    def slow_verify(hashed, password):
        verified.append(password)
        time.sleep(0.2)
        return verify(hashed, password)

    monkeypatch.setattr(passwords, "verify_password", slow_verify)
    barrier = threading.Barrier(len(emails))

    def guess(email: str) -> None:
        with app.test_client() as http:
            barrier.wait()
            statuses.append(attempt(http, email).status_code)

    threads = [threading.Thread(target=guess, args=(e,)) for e in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == len(emails)
    return verified, statuses


def test_thirty_simultaneous_wrong_passwords_verify_at_most_ten(
    factory, app, monkeypatch, postgresql_only
):
    """Real threads on PostgreSQL: the count is taken before the hash, atomically."""
    user = factory.make_user(factory.make_client())
    verified, statuses = guess_at_once(app, monkeypatch, [user.email] * 30)
    assert len(verified) <= 10, statuses
    assert statuses.count(401) <= 10
    assert set(statuses) <= {401, 429}


def test_thirty_simultaneous_guesses_from_one_ip_verify_at_most_its_limit(
    factory, app, monkeypatch, postgresql_only
):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_IP", 12)
    people = [factory.make_user(factory.make_client()).email for _ in range(3)]
    verified, statuses = guess_at_once(app, monkeypatch, people * 10)
    assert len(verified) <= 12, statuses
    assert statuses.count(429) >= 18
