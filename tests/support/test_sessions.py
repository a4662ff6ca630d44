"""Support sessions: tokens acting for a client, checked on every request."""

import uuid
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import update

from models import SupportGrant, User
from opsx_api import clock, db
from opsx_api.actor import Actor
from opsx_api.services import users
from tests.factories import assert_error
from tests.support.kit import API, GRANTS

LIVE = f"{API}/support/grants"
SESSIONS = f"{API}/support/sessions"


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_staff_list_live_grants_only(factory, kit, client):
    company, other = factory.company(), factory.company()
    live = kit.grant(company, "write", reason="Ticket 1")
    revoked = kit.grant(other)
    client.delete(f"{GRANTS}/{revoked['id']}", headers=other.headers)
    staff = kit.staff()
    response = client.get(LIVE, headers=staff.headers)
    assert response.status_code == 200
    (row,) = response.get_json()["data"]
    assert row["id"] == live["id"]
    assert row["client"] == {"id": str(company.client.id), "name": company.client.name}
    assert (row["scope"], row["reason"]) == ("write", "Ticket 1")
    assert row["expires_at"] == live["expires_at"]


def test_expired_grants_leave_the_staff_list(factory, kit, client):
    kit.grant(factory.company(), hours=1)
    clock.advance(timedelta(minutes=61))
    staff = kit.staff()
    assert client.get(LIVE, headers=staff.headers).get_json()["data"] == []


def test_staff_endpoints_need_a_support_login(kit, factory, client):
    company = factory.company()
    entry = kit.enter(company, "write")
    member = factory.login(factory.make_user(company.client, "member"))
    grant_id = {"grant_id": entry.grant["id"]}
    for headers in (company.headers, member.headers, entry.headers):
        for response in (
            client.get(LIVE, headers=headers),
            client.post(SESSIONS, json=grant_id, headers=headers),
            client.get(f"{API}/support/stats", headers=headers),
        ):
            assert_error(response, 403, "forbidden")
    for response in (client.get(LIVE), client.post(SESSIONS, json=grant_id)):
        assert response.status_code == 401


def test_opening_a_session_gives_a_short_token_acting_for_the_client(factory, kit, app):
    company = factory.company()
    staff = kit.staff()
    grant = kit.grant(company, "write", hours=8)
    body = kit.open(staff, grant["id"])
    assert body["token_type"] == "Bearer"
    assert "refresh_token" not in body
    assert body["client"] == {"id": str(company.client.id), "name": company.client.name}
    assert body["session"]["grant_id"] == grant["id"]
    assert body["session"]["scope"] == "write"
    assert 0 < body["expires_in"] <= app.config["ACCESS_TOKEN_TTL"]
    claims = _claims(body["access_token"])
    assert claims["kind"] == "support"
    assert claims["act"] == {"sub": str(staff.user.id)}
    assert claims["sub"] == str(staff.user.id)
    assert claims["cid"] == str(company.client.id)
    assert claims["gid"] == grant["id"]
    assert claims["sid"] == body["session"]["id"]
    assert (claims["role"], claims["scope"]) == ("admin", "write")


def test_session_token_never_outlives_its_grant(factory, kit):
    company = factory.company()
    grant = kit.grant(company, hours=1)
    clock.advance(timedelta(minutes=55))
    body = kit.open(kit.staff(), grant["id"])
    assert body["expires_in"] <= 5 * 60
    assert body["session"]["expires_at"] == grant["expires_at"]


@pytest.mark.parametrize("body", [{}, {"grant_id": "not-a-uuid"}, {"grant_id": None}])
def test_opening_a_session_validates_the_body(kit, client, body):
    response = client.post(SESSIONS, json=body, headers=kit.staff().headers)
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("state", ["missing", "revoked", "expired"])
def test_no_session_without_a_live_grant(factory, kit, client, state):
    company = factory.company()
    grant = kit.grant(company, hours=1)
    grant_id = grant["id"]
    if state == "missing":
        grant_id = str(uuid.uuid4())
    elif state == "revoked":
        client.delete(f"{GRANTS}/{grant_id}", headers=company.headers)
    else:
        clock.advance(timedelta(hours=1))
    body = kit.open(kit.staff(), grant_id, expect=404)
    assert body["error"]["code"] == "not_found"


def test_read_grant_lets_support_read_as_the_admin_would(kit, factory, client):
    company = factory.company()
    member = factory.make_user(company.client, "member", name="Field Person")
    factory.login(member)
    entry = kit.enter(company, "read")
    users = client.get(f"{API}/admin/users", headers=entry.headers)
    assert users.status_code == 200
    assert {u["id"] for u in users.get_json()["data"]} == {
        str(company.admin.id),
        str(member.id),
    }
    for path in (
        f"{API}/admin/client",
        f"{API}/admin/users/{member.id}",
        f"{API}/admin/users/{member.id}/sessions",
    ):
        assert client.get(path, headers=entry.headers).status_code == 200


def test_read_grant_refuses_every_write_on_tenant_resources(kit, factory, client):
    company = factory.company()
    member = factory.make_user(company.client, "member")
    member_login = factory.login(member)
    entry = kit.enter(company, "read")
    ids = {
        "user_id": member.id,
        "session_id": member_login.session_id,
        "grant_id": entry.grant["id"],
    }
    routes = list(kit.tenant_routes(methods=("POST", "PUT", "PATCH", "DELETE")))
    assert len(routes) >= 8
    for rule, method in routes:
        response = kit.call(rule, method, entry.headers, ids)
        assert_error(response, 403, "forbidden")
    # Nothing changed: the member still works, the grant is still live.
    assert (
        client.get(f"{API}/auth/session", headers=member_login.headers).status_code
        == 200
    )
    one = client.get(f"{GRANTS}/{entry.grant['id']}", headers=company.headers)
    assert one.get_json()["status"] == "live"


def test_write_grant_writes_are_audited_as_the_staff_member(kit, factory, client):
    company = factory.company()
    member = factory.make_user(company.client, "member")
    entry = kit.enter(company, "write")
    created = client.post(
        f"{API}/prospects",
        json={"name": "Ada Prospect", "assigned_to": str(member.id)},
        headers=entry.headers,
    )
    assert created.status_code == 201, created.get_json()
    erased = client.post(
        f"{API}/prospects/{created.get_json()['id']}/erase", headers=entry.headers
    )
    assert erased.status_code == 204
    for action in ("prospect.created", "prospect.erased"):
        (event,) = kit.events(company, action=action)
        assert event["actor_id"] == str(entry.staff.user.id)
        assert event["actor_role"] == "support"
        assert event["details"]["support_grant_id"] == entry.grant["id"]


def test_expired_grant_stops_the_token_on_the_next_request(factory, kit, client):
    company = factory.company()
    grant = kit.grant(company, hours=1)
    clock.advance(timedelta(minutes=50))
    body = kit.open(kit.staff(), grant["id"])
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get(f"{API}/admin/users", headers=headers).status_code == 200
    clock.advance(timedelta(minutes=10, seconds=1))
    response = client.get(f"{API}/admin/users", headers=headers)
    assert_error(response, 401, "invalid_token")


def test_grant_expiry_is_read_from_the_row_on_every_request(factory, kit, app, client):
    company = factory.company()
    entry = kit.enter(company)
    assert client.get(f"{API}/admin/users", headers=entry.headers).status_code == 200
    with app.app_context():
        db.session().execute(
            update(SupportGrant)
            .where(SupportGrant.id == uuid.UUID(entry.grant["id"]))
            .values(expires_at=clock.utcnow() - timedelta(seconds=1))
        )
        db.session().commit()
    response = client.get(f"{API}/admin/users", headers=entry.headers)
    assert_error(response, 401, "invalid_token")


def test_revoked_grant_stops_the_token_on_the_next_request(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company, "write")
    assert client.get(f"{API}/admin/client", headers=entry.headers).status_code == 200
    revoke = client.delete(f"{GRANTS}/{entry.grant['id']}", headers=company.headers)
    assert revoke.status_code == 204
    response = client.get(f"{API}/admin/client", headers=entry.headers)
    assert_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_deactivated_staff_member_is_cut_off_at_once(factory, kit, app, client):

    company = factory.company()
    entry = kit.enter(company)
    with app.app_context(), db.unit_of_work():
        users.deactivate(
            entry.staff.user, actor=Actor.system(), reason="left the company"
        )
    response = client.get(f"{API}/admin/client", headers=entry.headers)
    assert_error(response, 401, "invalid_token")


def test_deactivating_staff_ends_their_support_sessions_for_good(
    factory, kit, app, client
):
    company = factory.company()
    entry = kit.enter(company, "read")
    staff_id = entry.staff.user.id
    assert client.get(f"{API}/admin/client", headers=entry.headers).status_code == 200
    with app.app_context(), db.unit_of_work():
        users.deactivate(db.session().get(User, staff_id), actor=Actor.system())
        users.reactivate(db.session().get(User, staff_id), actor=Actor.system())
    response = client.get(f"{API}/admin/client", headers=entry.headers)
    assert_error(response, 401, "invalid_token")
    sessions_ = client.get(
        f"{GRANTS}/{entry.grant['id']}/sessions",
        headers=company.headers,
    ).get_json()["data"]
    assert [s["ended_reason"] for s in sessions_] == ["deactivated"]


def test_support_token_can_never_manage_grants(factory, kit, client):
    company = factory.company()
    entry = kit.enter(company, "write")
    one = f"{GRANTS}/{entry.grant['id']}"
    body = {"scope": "write", "reason": "more", "duration_hours": 168}
    for response in (
        client.post(GRANTS, json=body, headers=entry.headers),
        client.get(GRANTS, headers=entry.headers),
        client.get(one, headers=entry.headers),
        client.patch(one, json={"duration_hours": 168}, headers=entry.headers),
        client.delete(one, headers=entry.headers),
        client.get(f"{one}/sessions", headers=entry.headers),
    ):
        assert_error(response, 403, "forbidden")
    grants = client.get(GRANTS, headers=company.headers).get_json()["data"]
    assert [(g["id"], g["status"]) for g in grants] == [(entry.grant["id"], "live")]
    assert grants[0]["expires_at"] == entry.grant["expires_at"]


def test_support_token_cannot_read_the_audit_trail(factory, kit, client):
    entry = kit.enter(factory.company(), "write")
    response = client.get(f"{API}/admin/audit-events", headers=entry.headers)
    assert_error(response, 403, "forbidden")


def test_support_token_sees_only_its_client(kit, factory, client):
    company, other = factory.company(), factory.company()
    stranger = factory.make_user(other.client, "member")
    entry = kit.enter(company, "write")
    for response in (
        client.get(f"{API}/admin/users/{stranger.id}", headers=entry.headers),
        client.get(f"{API}/admin/users/{other.admin.id}", headers=entry.headers),
        client.get(f"{API}/admin/users/{stranger.id}/sessions", headers=entry.headers),
    ):
        assert_error(response, 404, "not_found")
    listed = client.get(f"{API}/admin/users", headers=entry.headers).get_json()["data"]
    assert {u["id"] for u in listed} == {str(company.admin.id)}
    assert client.get(f"{API}/admin/client", headers=entry.headers).get_json()[
        "id"
    ] == str(company.client.id)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/me"),
        ("PATCH", "/me"),
        ("GET", "/auth/session"),
        ("POST", "/auth/logout"),
        ("PUT", "/auth/session/push-token"),
        ("GET", "/me/notifications"),
        ("POST", f"/me/notifications/{uuid.uuid4()}/read"),
    ],
)
def test_support_token_has_no_account_of_its_own(factory, kit, client, method, path):
    entry = kit.enter(factory.company(), "write")
    response = client.open(
        f"{API}{path}", method=method, json={"push_token": "x"}, headers=entry.headers
    )
    assert_error(response, 403, "forbidden")


def test_support_token_cannot_act_as_operator(factory, kit, client):
    entry = kit.enter(factory.company(), "write")
    response = client.get(f"{API}/operator/clients", headers=entry.headers)
    assert response.status_code == 403
