"""The company admin's support grants: create, list, extend, revoke."""

import uuid
from datetime import datetime, timedelta

import pytest

from opsx_api import clock
from tests.factories import assert_error
from tests.support.kit import API, GRANTS


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_admin_grants_support_access_with_scope_reason_and_duration(
    factory, kit, client
):
    company = factory.company()
    before = clock.utcnow()
    grant = kit.grant(company, "write", hours=48, reason="Ticket 12: import broken")
    assert grant["scope"] == "write"
    assert grant["reason"] == "Ticket 12: import broken"
    assert grant["status"] == "live"
    assert grant["created_by_id"] == str(company.admin.id)
    expected = before + timedelta(hours=48)
    assert abs(_at(grant["expires_at"]) - expected) < timedelta(seconds=30)
    (event,) = kit.events(company, action="support.grant_created")
    assert event["target_id"] == grant["id"]
    assert event["actor_id"] == str(company.admin.id)
    assert event["details"]["scope"] == "write"


@pytest.mark.parametrize("hours", [1, 168])
def test_grant_duration_accepts_one_hour_to_seven_days(factory, kit, hours):
    grant = kit.grant(factory.company(), hours=hours)
    delta = _at(grant["expires_at"]) - _at(grant["created_at"])
    assert delta == timedelta(hours=hours)


@pytest.mark.parametrize(
    "body",
    [
        {"scope": "read", "reason": "x", "duration_hours": 0},
        {"scope": "read", "reason": "x", "duration_hours": 169},
        {"scope": "read", "reason": "x", "duration_hours": "5"},
        {"scope": "read", "reason": "x", "duration_hours": 2.5},
        {"scope": "admin", "reason": "x", "duration_hours": 5},
        {"scope": "read", "duration_hours": 5},
        {"scope": "read", "reason": "   ", "duration_hours": 5},
        {"scope": "read", "reason": "r" * 501, "duration_hours": 5},
        {"scope": "read", "reason": "x", "duration_hours": 5, "client_id": "c"},
        {"scope": "read", "reason": "x", "duration_hours": 5, "expires_at": "2099"},
    ],
)
def test_grant_body_is_validated(factory, kit, client, body):
    response = client.post(GRANTS, json=body, headers=factory.company().headers)
    assert_error(response, 422, "validation_error")


def test_grant_endpoints_need_a_token(factory, kit, client):
    grant = kit.grant(factory.company())
    one = f"{GRANTS}/{grant['id']}"
    calls = [
        client.get(GRANTS),
        client.post(GRANTS, json={}),
        client.get(one),
        client.patch(one, json={"duration_hours": 2}),
        client.delete(one),
        client.get(f"{one}/sessions"),
    ]
    for response in calls:
        assert_error(response, 401, "unauthorized")


def test_member_cannot_create_see_or_revoke_grants(kit, factory, client):
    company = factory.company()
    grant = kit.grant(company)
    member = factory.login(factory.make_user(company.client, "member"))
    body = {"scope": "read", "reason": "x", "duration_hours": 2}
    for response in [
        client.post(GRANTS, json=body, headers=member.headers),
        client.get(GRANTS, headers=member.headers),
        client.delete(f"{GRANTS}/{grant['id']}", headers=member.headers),
        client.patch(
            f"{GRANTS}/{grant['id']}",
            json={"duration_hours": 9},
            headers=member.headers,
        ),
    ]:
        assert_error(response, 403, "forbidden")
    assert kit.events(company, action="support.grant_revoked") == []


def test_support_staff_cannot_grant_themselves_access(kit, client):
    staff = kit.staff()
    body = {"scope": "write", "reason": "x", "duration_hours": 2}
    response = client.post(GRANTS, json=body, headers=staff.headers)
    assert_error(response, 403, "forbidden")


def test_admin_lists_own_grants_newest_first_live_and_past(factory, kit, client):
    company, other = factory.company(), factory.company()
    first = kit.grant(company, reason="first")
    second = kit.grant(company, "write", reason="second")
    kit.grant(other, reason="someone else's")
    client.delete(f"{GRANTS}/{first['id']}", headers=company.headers)
    response = client.get(GRANTS, headers=company.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert [g["id"] for g in body["data"]] == [second["id"], first["id"]]
    assert [g["status"] for g in body["data"]] == ["live", "revoked"]
    assert body["next_cursor"] is None
    page = client.get(GRANTS, query_string={"limit": 1}, headers=company.headers)
    assert page.get_json()["next_cursor"]


def test_admin_reads_one_grant(factory, kit, client):
    company = factory.company()
    grant = kit.grant(company)
    response = client.get(f"{GRANTS}/{grant['id']}", headers=company.headers)
    assert response.status_code == 200
    assert response.get_json() == grant


def test_other_company_cannot_see_change_or_revoke_a_grant(factory, kit, client):
    owner, stranger = factory.company(), factory.company()
    grant = kit.grant(owner)
    one = f"{GRANTS}/{grant['id']}"
    for response in [
        client.get(one, headers=stranger.headers),
        client.patch(one, json={"duration_hours": 100}, headers=stranger.headers),
        client.delete(one, headers=stranger.headers),
        client.get(f"{one}/sessions", headers=stranger.headers),
        client.get(f"{GRANTS}/{uuid.uuid4()}", headers=owner.headers),
    ]:
        assert_error(response, 404, "not_found")
    assert client.get(GRANTS, headers=stranger.headers).get_json()["data"] == []
    assert client.get(one, headers=owner.headers).get_json()["status"] == "live"


def test_revoking_is_immediate_and_harmless_to_repeat(factory, kit, client):
    company = factory.company()
    grant = kit.grant(company)
    one = f"{GRANTS}/{grant['id']}"
    assert client.delete(one, headers=company.headers).status_code == 204
    assert client.delete(one, headers=company.headers).status_code == 204
    body = client.get(one, headers=company.headers).get_json()
    assert body["status"] == "revoked"
    assert body["revoked_by_id"] == str(company.admin.id)
    assert len(kit.events(company, action="support.grant_revoked")) == 1


def test_admin_extends_a_live_grant(factory, kit, client):
    company = factory.company()
    grant = kit.grant(company, hours=2)
    clock.advance(timedelta(minutes=10))
    response = client.patch(
        f"{GRANTS}/{grant['id']}", json={"duration_hours": 72}, headers=company.headers
    )
    assert response.status_code == 200, response.get_json()
    expires = _at(response.get_json()["expires_at"])
    assert abs(expires - (clock.utcnow() + timedelta(hours=72))) < timedelta(minutes=1)
    (event,) = kit.events(company, action="support.grant_changed")
    assert event["details"]["previous_expires_at"] == grant["expires_at"]


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_grant_that_ended_cannot_be_extended(factory, kit, client, ended):
    company = factory.company()
    grant = kit.grant(company, hours=1)
    one = f"{GRANTS}/{grant['id']}"
    if ended == "revoked":
        client.delete(one, headers=company.headers)
    else:
        clock.advance(timedelta(hours=1, seconds=1))
        company.relogin()
    response = client.patch(one, json={"duration_hours": 5}, headers=company.headers)
    assert_error(response, 409, "grant_not_live")
    assert client.get(one, headers=company.headers).get_json()["status"] == ended


@pytest.mark.parametrize("body", [{}, {"duration_hours": 0}, {"duration_hours": 169}])
def test_extension_body_is_validated(factory, kit, client, body):
    company = factory.company()
    grant = kit.grant(company)
    response = client.patch(
        f"{GRANTS}/{grant['id']}", json=body, headers=company.headers
    )
    assert_error(response, 422, "validation_error")


def test_admin_sees_who_from_support_opened_sessions(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company, staff=kit.staff(name="Robin Helpdesk"))
    response = client.get(
        f"{GRANTS}/{entry.grant['id']}/sessions", headers=company.headers
    )
    assert response.status_code == 200
    (row,) = response.get_json()["data"]
    assert row["id"] == entry.body["session"]["id"]
    assert row["staff"] == {"id": str(entry.staff.user.id), "name": "Robin Helpdesk"}
    assert row["ended_at"] is None
    assert row["ip"] == "127.0.0.1"


def test_revoking_ends_the_open_support_sessions(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company)
    client.delete(f"{GRANTS}/{entry.grant['id']}", headers=company.headers)
    sessions = client.get(
        f"{GRANTS}/{entry.grant['id']}/sessions", headers=company.headers
    ).get_json()["data"]
    assert sessions[0]["ended_reason"] == "grant_revoked"
    assert sessions[0]["ended_at"] is not None
    (event,) = kit.events(company, action="support.grant_revoked")
    assert event["details"]["sessions_ended"] == 1


def test_grants_appear_in_the_openapi_spec(client):
    paths = client.get(f"{API}/swagger.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/admin/support-grants"])
    assert {"get", "patch", "delete"} <= set(paths["/admin/support-grants/{grant_id}"])
