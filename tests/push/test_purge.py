"""`flask admin purge`: every retention step, on a moved clock."""

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from models import (
    AuditEvent,
    DeviceSession,
    LoginFailure,
    Notification,
    PushDelivery,
    SpentRefreshToken,
)
from opsx_api import clock, db
from opsx_api.services.retention import STEPS as PURGE_STEPS
from tests.push.helpers import notify


def purge(runner, *args) -> dict[str, int]:
    """Run the command; its report as {step name: count}."""
    yes = () if "--dry-run" in args else ("--yes",)
    result = runner.invoke(args=["admin", "purge", *yes, *args])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("dry")]
    report = dict(line.rsplit(": ", 1) for line in lines)
    return {name: int(count) for name, count in report.items()}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).select_from(model).where(*where)
        )


def session_row(app, session_id) -> DeviceSession | None:
    with app.app_context():
        return db.session().get(DeviceSession, uuid.UUID(session_id))


def test_every_step_reports_one_line(runner):
    report = purge(runner)
    assert list(report) == [name for name, _ in PURGE_STEPS]
    assert set(report.values()) == {0}


def test_expired_sessions_are_revoked(factory, app, runner):
    idle = factory.login(factory.make_user(factory.make_client()))
    clock.advance(timedelta(days=29))
    fresh = factory.login(factory.make_user(factory.make_client()))
    clock.advance(timedelta(days=2))

    assert purge(runner)["expired sessions revoked"] == 1

    assert session_row(app, idle.session_id).revoked_reason == "expired"
    assert session_row(app, fresh.session_id).revoked_at is None


def test_push_tokens_not_refreshed_for_270_days_are_detached(
    factory, app, client, runner, monkeypatch
):
    # Sessions configured to outlive a token: only the token goes stale.
    monkeypatch.setitem(app.config, "SESSION_MAX_DAYS", 400)
    monkeypatch.setitem(app.config, "SESSION_IDLE_DAYS", 400)
    company = factory.make_client()
    stale = factory.login(factory.make_user(company), push_token="stale-token")
    kept = factory.login(factory.make_user(company), push_token="kept-token")
    clock.advance(timedelta(days=200))
    fresh = client.post("/api/v1/auth/refresh", json={"refresh_token": kept.refresh})
    client.put(
        "/api/v1/auth/session/push-token",
        json={"push_token": "kept-token-2"},
        headers={"Authorization": f"Bearer {fresh.get_json()['access_token']}"},
    )
    clock.advance(timedelta(days=71))

    assert purge(runner, "--dry-run")["stale push tokens detached"] == 1
    assert session_row(app, stale.session_id).push_token == "stale-token"
    assert purge(runner)["stale push tokens detached"] == 1

    row = session_row(app, stale.session_id)
    assert row.push_token is None and row.revoked_at is None
    assert session_row(app, kept.session_id).push_token == "kept-token-2"


def test_login_ips_are_cleared_and_old_sessions_deleted_after_retention(
    factory, app, client, runner
):
    user = factory.make_user(factory.make_client())
    early = factory.login(user)
    client.post("/api/v1/auth/logout", headers=early.headers)
    clock.advance(timedelta(days=300))
    late = factory.login(user)
    client.post("/api/v1/auth/logout", headers=late.headers)
    clock.advance(timedelta(days=66))

    report = purge(runner)

    assert report["old revoked sessions deleted"] == 1
    assert session_row(app, early.session_id) is None
    assert session_row(app, late.session_id) is not None
    assert report["login IPs cleared"] == 0  # `late` began 66 days ago
    clock.advance(timedelta(days=300))
    later = factory.login(user)
    clock.advance(timedelta(days=10))  # `late` began 376 days ago, revoked 366
    report = purge(runner)
    assert session_row(app, late.session_id) is None
    assert session_row(app, later.session_id).login_ip is not None


def test_login_ip_of_a_long_kept_session_is_cleared(factory, app, runner):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    assert session_row(app, login.session_id).login_ip is not None
    clock.advance(timedelta(days=366))

    report = purge(runner)

    assert report["login IPs cleared"] == 1
    row = session_row(app, login.session_id)
    assert row.login_ip is None and row.revoked_reason == "expired"


def test_old_login_failures_are_deleted(factory, app, runner):
    user = factory.make_user(factory.make_client())
    factory.login(user, password="wrong-password-entirely", expect=401)
    # The rows hold every throttle's counts (logins, resets, email changes), so
    # they go once older than the longest window.
    windows = ("LOGIN_WINDOW_SECONDS", "ACCOUNT_EMAIL_WINDOW_SECONDS")
    clock.advance(timedelta(seconds=max(app.config[w] for w in windows) + 1))
    factory.login(user, password="wrong-password-again", expect=401)

    assert purge(runner)["login failures deleted"] == 2  # account + IP keys

    assert count(app, LoginFailure) == 2


def test_spent_refresh_tokens_of_revoked_sessions_are_deleted(factory, client, runner):
    company = factory.make_client()
    gone = factory.login(factory.make_user(company))
    live = factory.login(factory.make_user(company))
    for login in (gone, live):
        client.post("/api/v1/auth/refresh", json={"refresh_token": login.refresh})
    client.post(
        "/api/v1/auth/logout",
        headers={"Authorization": f"Bearer {gone.access}"},
    )

    report = purge(runner)

    assert report["spent refresh tokens deleted"] == 1
    assert count(factory.app, SpentRefreshToken) == 1


def test_audit_events_older_than_retention_are_deleted(factory, app, runner):
    factory.make_client()  # audit: client and admin created
    before = count(app, AuditEvent)
    clock.advance(timedelta(days=366))
    factory.make_client()

    assert purge(runner)["audit events deleted"] == before

    assert count(app, AuditEvent) == before


def test_finished_pushes_and_old_sign_out_signals_are_deleted(
    factory, app, client, runner, deliver
):
    company = factory.company()
    admin = company.admin_login
    user = factory.make_user(company)
    factory.login(user, push_token="purged-phone")
    notify(app, user)
    client.post(f"/api/v1/admin/users/{user.id}/deactivate", headers=admin.headers)
    deliver()  # the assignment cancelled, the sign-out signal sent
    clock.advance(timedelta(days=31))
    other = factory.make_user(company)
    factory.login(other, push_token="fresh-phone")
    notify(app, other)  # queued and recent: kept

    report = purge(runner)

    assert report["push deliveries deleted"] == 2
    assert report["sign-out notifications deleted"] == 1
    assert count(app, PushDelivery) == 1
    assert count(app, Notification, Notification.kind == "session_revoked") == 0
    assert count(app, Notification, Notification.in_inbox.is_(True)) == 2


def test_dry_run_counts_and_changes_nothing(factory, app, runner):
    login = factory.login(factory.make_user(factory.make_client()))
    clock.advance(timedelta(days=400))
    events = count(app, AuditEvent)

    report = purge(runner, "--dry-run")

    assert report["expired sessions revoked"] == 1
    assert report["audit events deleted"] == events
    assert session_row(app, login.session_id).revoked_at is None
    assert count(app, AuditEvent) == events
