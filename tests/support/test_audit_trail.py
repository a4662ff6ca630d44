"""Every support request lands in the company's audit trail; admins are told."""

import uuid

from sqlalchemy import select

from models import Notification, PushDelivery
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import support, users
from tests.factories import assert_error
from tests.support.kit import API


def _requests(kit, company) -> list[dict]:
    return kit.events(company, action="support.request")


def test_every_support_request_is_audited_with_staff_grant_and_outcome(
    factory, kit, client
):
    company = factory.company()
    entry = kit.enter(company, "read")
    missing = uuid.uuid4()
    client.get(f"{API}/admin/users", headers=entry.headers)
    client.get(f"{API}/admin/users/{missing}", headers=entry.headers)
    client.patch(f"{API}/admin/client", json={"name": "x"}, headers=entry.headers)
    client.get(f"{API}/admin/audit-events", headers=entry.headers)
    events = _requests(kit, company)
    seen = [
        (e["details"]["method"], e["details"]["path"], e["details"]["status"])
        for e in events
    ]
    assert seen == [
        ("GET", f"{API}/admin/audit-events", 403),
        ("PATCH", f"{API}/admin/client", 403),
        ("GET", f"{API}/admin/users/{missing}", 404),
        ("GET", f"{API}/admin/users", 200),
    ]
    for event in events:
        assert event["actor_id"] == str(entry.staff.user.id)
        assert event["actor_role"] == "support"
        assert event["details"]["grant_id"] == entry.grant["id"]
        assert event["details"]["support_grant_id"] == entry.grant["id"]
        assert event["details"]["session_id"] == entry.body["session"]["id"]
        assert event["ip"] == "127.0.0.1"
        assert event["created_at"]


def test_support_requests_outside_the_api_routes_are_audited(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company, "write")
    client.get(f"{API}/no-such-route", headers=entry.headers)
    client.get(f"{API}/health", headers=entry.headers)
    paths = {
        (e["details"]["path"], e["details"]["status"]) for e in _requests(kit, company)
    }
    assert paths == {(f"{API}/no-such-route", 404), (f"{API}/health", 200)}


def test_a_server_error_under_a_support_token_is_audited(
    factory, kit, client, monkeypatch
):
    company = factory.company()
    entry = kit.enter(company, "write")

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(users, "list_users", broken)
    response = client.get(f"{API}/admin/users", headers=entry.headers)
    assert response.status_code == 500
    (event,) = _requests(kit, company)
    assert event["details"]["status"] == 500


def test_a_support_answer_is_withheld_when_it_cannot_be_audited(
    factory, kit, client, monkeypatch
):
    company = factory.company()
    entry = kit.enter(company, "write")

    def unavailable(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(support, "record_request", unavailable)
    response = client.get(f"{API}/admin/users", headers=entry.headers)
    assert_error(response, 503, "service_unavailable")
    assert "data" not in response.get_json()


def test_a_refused_write_leaves_only_its_audit_event(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company, "write")
    first = {"name": "Ada Prospect", "external_id": "crm-1"}
    created = client.post(f"{API}/prospects", json=first, headers=company.headers)
    assert created.status_code == 201
    twin = {"name": "Ada Twin", "external_id": "crm-1"}
    response = client.post(f"{API}/prospects", json=twin, headers=entry.headers)
    assert response.status_code == 409
    (event,) = _requests(kit, company)
    assert event["details"]["status"] == 409
    listed = client.get(f"{API}/prospects", headers=company.headers).get_json()
    assert [p["name"] for p in listed["data"]] == ["Ada Prospect"]


def test_admin_and_other_companies_requests_are_not_support_events(
    factory, kit, client
):
    company, other = factory.company(), factory.company()
    entry = kit.enter(other, "read")
    client.get(f"{API}/admin/users", headers=company.headers)
    client.get(f"{API}/admin/users", headers=entry.headers)
    assert _requests(kit, company) == []
    assert len(_requests(kit, other)) == 1


def test_session_start_is_audited_and_told_to_every_active_admin(
    kit, factory, app, client
):
    company = factory.company(push_token="fcm-token-admin-1")
    quiet_admin = factory.make_user(company.client, "admin")  # no live session
    gone_admin = factory.make_user(company.client, "admin")
    member = factory.make_user(company.client, "member")
    with app.app_context(), db.unit_of_work():
        users.deactivate(gone_admin, actor=Actor.system())
    entry = kit.enter(company, "write", staff=kit.staff(name="Alex Support"))
    (started,) = kit.events(company, action="support.session_started")
    assert started["actor_id"] == str(entry.staff.user.id)
    assert started["actor_role"] == "support"
    assert started["details"]["grant_id"] == entry.grant["id"]
    with app.app_context():
        rows = (
            db.session()
            .scalars(
                select(Notification).where(
                    Notification.kind == "support_session_started"
                )
            )
            .all()
        )
        assert {n.user_id for n in rows} == {company.admin.id, quiet_admin.id}
        assert member.id not in {n.user_id for n in rows}
        for n in rows:
            assert n.client_id == company.client.id
            assert n.in_inbox
            assert "Alex Support" in n.body
            assert n.data["session_id"] == entry.body["session"]["id"]
            assert n.data["grant_id"] == entry.grant["id"]
        pushes = (
            db.session()
            .scalars(
                select(PushDelivery).where(
                    PushDelivery.notification_id.in_([n.id for n in rows])
                )
            )
            .all()
        )
        assert [(p.user_id, p.token, p.status) for p in pushes] == [
            (company.admin.id, "fcm-token-admin-1", "queued")
        ]
