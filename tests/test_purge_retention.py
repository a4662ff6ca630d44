"""`flask admin purge` steps of prospects and statistics, on a moved clock."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from models import ClientRequestCount, IdempotencyKey, Prospect
from opsx_api import clock, db
from tests.push.test_purge import purge


def test_old_request_counts_are_deleted_recent_ones_kept(factory, runner, app):
    company = factory.make_client()
    today = clock.utcnow().date()
    with app.app_context():
        for days in (0, 400):
            db.session().add(
                ClientRequestCount(
                    client_id=company.id, day=today - timedelta(days=days), count=5
                )
            )
        db.session().commit()
    assert purge(runner, "--dry-run")["request counts deleted"] == 1
    assert purge(runner)["request counts deleted"] == 1
    with app.app_context():
        days = db.session().scalars(select(ClientRequestCount.day)).all()
        assert days == [today]


def test_idempotency_keys_go_after_a_day(factory, client, runner, app):
    login = factory.login(factory.make_user(factory.make_client()))
    headers = {**login.headers, "Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    created = client.post("/api/v1/prospects", json={"name": "Ana"}, headers=headers)
    assert created.status_code == 201
    assert purge(runner)["prospect idempotency keys deleted"] == 0
    clock.advance(timedelta(hours=25))
    assert purge(runner)["prospect idempotency keys deleted"] == 1
    with app.app_context():
        assert db.session().scalars(select(IdempotencyKey)).all() == []


def test_deleted_prospects_are_scrubbed_after_the_grace(factory, client, runner, app):
    login = factory.login(factory.make_user(factory.make_client()))
    created = client.post(
        "/api/v1/prospects",
        json={"name": "Bo Person", "email": "bo@example.test"},
        headers=login.headers,
    ).get_json()
    client.delete(f"/api/v1/prospects/{created['id']}", headers=login.headers)
    assert purge(runner)["deleted prospects scrubbed"] == 0
    clock.advance(timedelta(days=31))
    assert purge(runner, "--dry-run")["deleted prospects scrubbed"] == 1
    assert purge(runner)["deleted prospects scrubbed"] == 1
    with app.app_context():
        row = db.session().get(Prospect, uuid.UUID(created["id"]))
        assert row.email is None and row.name != "Bo Person"


def test_support_session_ips_are_purged_after_retention(factory, client, runner, app):
    from models import SupportSession
    from tests.support.kit import SupportKit

    kit = SupportKit(app, factory, client)
    company = factory.company()
    kit.open(kit.staff(), kit.grant(company)["id"])
    with app.app_context():
        [ip] = db.session().scalars(select(SupportSession.ip)).all()
    assert ip
    assert purge(runner)["support session IPs cleared"] == 0
    clock.advance(timedelta(days=app.config["RETENTION_DAYS"] + 1))
    assert purge(runner, "--dry-run")["support session IPs cleared"] == 1
    assert purge(runner)["support session IPs cleared"] == 1
    with app.app_context():
        assert db.session().scalars(select(SupportSession.ip)).all() == [None]
