"""Company admins manage their own users; nothing else is theirs to touch."""

import uuid

import pytest

from tests.factories import assert_error


@pytest.fixture
def company(factory):
    client = factory.make_client()
    return client, factory.login(factory.admin_of(client))


def create(client, admin, **body):
    payload = {
        "email": f"new-{uuid.uuid4().hex[:6]}@example.test",
        "name": "New Person",
        "role": "member",
        "password": "a-long-enough-password-1",
        **body,
    }
    return client.post("/api/v1/admin/users", json=payload, headers=admin.headers)


def test_admin_creates_lists_reads_and_updates_users(client, company, factory):
    _, admin = company
    created = create(client, admin, email="Person@Example.TEST")
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["email"] == "person@example.test" and user["status"] == "active"
    assert "password" not in user and "password_hash" not in user

    listing = client.get("/api/v1/admin/users?q=person", headers=admin.headers)
    assert [u["id"] for u in listing.get_json()["data"]] == [user["id"]]
    read = client.get(f"/api/v1/admin/users/{user['id']}", headers=admin.headers)
    assert read.get_json()["name"] == "New Person"
    patched = client.patch(
        f"/api/v1/admin/users/{user['id']}",
        json={"name": "Renamed", "role": "admin"},
        headers=admin.headers,
    )
    assert patched.status_code == 200
    assert patched.get_json()["role"] == "admin"
    assert patched.get_json()["name"] == "Renamed"


def test_list_filters_by_status_and_paginates(client, company, factory):
    company_row, admin = company
    for _ in range(4):
        factory.make_user(company_row)
    first = client.get("/api/v1/admin/users?limit=2", headers=admin.headers).get_json()
    assert len(first["data"]) == 2 and first["next_cursor"]
    second = client.get(
        f"/api/v1/admin/users?limit=2&cursor={first['next_cursor']}",
        headers=admin.headers,
    ).get_json()
    third = client.get(
        f"/api/v1/admin/users?limit=2&cursor={second['next_cursor']}",
        headers=admin.headers,
    ).get_json()
    ids = [u["id"] for page in (first, second, third) for u in page["data"]]
    assert len(ids) == len(set(ids)) == 5 and third["next_cursor"] is None
    active = client.get("/api/v1/admin/users?status=deactivated", headers=admin.headers)
    assert active.get_json()["data"] == []
    bad = client.get("/api/v1/admin/users?status=sleeping", headers=admin.headers)
    assert bad.status_code == 422
    capped = client.get("/api/v1/admin/users?limit=1000", headers=admin.headers)
    assert capped.status_code == 200
    malformed = client.get("/api/v1/admin/users?cursor=@@@", headers=admin.headers)
    assert_error(malformed, 400, "invalid_cursor")


def test_search_is_literal(client, company, factory):
    company_row, admin = company
    factory.make_user(company_row, name="100% Sales_Team")
    factory.make_user(company_row, name="1000 Salesxteam")
    for q, expected in [
        ("100%", 1),
        ("s_t", 1),
        ("%", 1),
        ("'; drop table users;--", 0),
    ]:
        response = client.get(
            "/api/v1/admin/users", query_string={"q": q}, headers=admin.headers
        )
        assert response.status_code == 200
        assert len(response.get_json()["data"]) == expected, q


def test_duplicate_email_is_409(client, company):
    _, admin = company
    assert create(client, admin, email="dup@example.test").status_code == 201
    again = create(client, admin, email="DUP@example.test")
    assert_error(again, 409, "email_taken")


def test_weak_password_is_422_with_reason(client, company):
    _, admin = company
    for weak in (
        "short",
        "passwordpassword",
        "aaaaaaaaaaaaaaaaaaaa",
        "abcdefghijklmnopq",
    ):
        response = create(client, admin, password=weak)
        assert response.status_code == 422, weak
        assert response.get_json()["error"]["details"]["password"]


def test_cannot_set_staff_role_client_status_or_id(client, company, factory):
    company_row, admin = company
    other = factory.make_client()
    for extra in (
        {"role": "operator"},
        {"role": "support"},
        {"client_id": str(other.id)},
        {"status": "deactivated"},
        {"id": str(uuid.uuid4())},
    ):
        response = create(client, admin, **extra)
        assert response.status_code == 422, extra
    user = factory.make_user(company_row)
    for extra in (
        {"role": "operator"},
        {"client_id": str(other.id)},
        {"status": "deactivated"},
        {"id": str(uuid.uuid4())},
        {"email": "x@example.test"},
    ):
        response = client.patch(
            f"/api/v1/admin/users/{user.id}", json=extra, headers=admin.headers
        )
        assert response.status_code == 422, extra
    read = client.get(f"/api/v1/admin/users/{user.id}", headers=admin.headers)
    assert read.get_json()["role"] == "member"
    assert read.get_json()["client"]["id"] == str(company_row.id)


def test_other_clients_users_are_404(client, company, factory):
    _, admin = company
    stranger = factory.make_user(factory.make_client())
    for method, path in [
        ("get", f"/api/v1/admin/users/{stranger.id}"),
        ("patch", f"/api/v1/admin/users/{stranger.id}"),
        ("post", f"/api/v1/admin/users/{stranger.id}/reactivate"),
        ("get", f"/api/v1/admin/users/{stranger.id}/sessions"),
    ]:
        response = getattr(client, method)(path, json={}, headers=admin.headers)
        assert response.status_code == 404, path
    listing = client.get(
        "/api/v1/admin/users", query_string={"q": stranger.email}, headers=admin.headers
    )
    assert listing.get_json()["data"] == []


def test_members_get_403_on_admin_endpoints(client, factory):
    company_row = factory.make_client()
    member = factory.login(factory.make_user(company_row))
    for method, path in [
        ("get", "/api/v1/admin/users"),
        ("post", "/api/v1/admin/users"),
        ("get", "/api/v1/admin/client"),
        ("patch", "/api/v1/admin/client"),
        ("get", "/api/v1/admin/audit-events"),
        ("delete", f"/api/v1/admin/sessions/{uuid.uuid4()}"),
    ]:
        response = getattr(client, method)(path, json={}, headers=member.headers)
        assert_error(response, 403, "forbidden")


def test_admin_endpoints_without_token_are_401(client):
    for path in (
        "/api/v1/admin/users",
        "/api/v1/admin/client",
        "/api/v1/admin/audit-events",
    ):
        assert client.get(path).status_code == 401


def test_user_sessions_and_device_release(client, company, factory, app):
    company_row, admin = company
    user = factory.make_user(company_row)
    login = factory.login(user, push_token="release-me")
    sessions = client.get(
        f"/api/v1/admin/users/{user.id}/sessions", headers=admin.headers
    ).get_json()["data"]
    assert len(sessions) == 1 and sessions[0]["live"] is True
    assert sessions[0]["push_registered"] is True
    released = client.delete(
        f"/api/v1/admin/sessions/{sessions[0]['id']}", headers=admin.headers
    )
    assert released.status_code == 204
    assert client.get("/api/v1/me", headers=login.headers).status_code == 401
    after = client.get(
        f"/api/v1/admin/users/{user.id}/sessions", headers=admin.headers
    ).get_json()["data"]
    assert (
        after[0]["live"] is False and after[0]["revoked_reason"] == "released_by_admin"
    )
    assert after[0]["push_registered"] is False
    factory.login(user, device_id="another-phone")


def test_release_of_another_clients_session_is_404(client, company, factory):
    _, admin = company
    stranger = factory.login(factory.make_user(factory.make_client()))
    response = client.delete(
        f"/api/v1/admin/sessions/{stranger.session_id}", headers=admin.headers
    )
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=stranger.headers).status_code == 200


def test_client_settings(client, company, factory):
    company_row, admin = company
    read = client.get("/api/v1/admin/client", headers=admin.headers).get_json()
    assert read["id"] == str(company_row.id) and read["device_policy"] == "reject"
    patched = client.patch(
        "/api/v1/admin/client",
        json={"device_policy": "replace", "name": "Renamed Co"},
        headers=admin.headers,
    )
    assert patched.get_json()["device_policy"] == "replace"
    bad = client.patch(
        "/api/v1/admin/client", json={"device_policy": "maybe"}, headers=admin.headers
    )
    assert bad.status_code == 422
    sneaky = client.patch(
        "/api/v1/admin/client", json={"id": str(uuid.uuid4())}, headers=admin.headers
    )
    assert sneaky.status_code == 422


def test_audit_events_are_filterable_and_scoped(client, company, factory):
    company_row, admin = company
    user = factory.make_user(company_row)
    client.post(
        f"/api/v1/admin/users/{user.id}/deactivate", json={}, headers=admin.headers
    )
    other_company = factory.make_client()
    outsider = factory.login(factory.make_user(other_company))  # another trail
    events = client.get("/api/v1/admin/audit-events", headers=admin.headers).get_json()
    actions = [e["action"] for e in events["data"]]
    assert "user.deactivated" in actions and "auth.login" in actions
    assert str(outsider.user.id) not in {e["actor_id"] for e in events["data"]}
    only = client.get(
        "/api/v1/admin/audit-events?action=user.deactivated", headers=admin.headers
    ).get_json()["data"]
    assert len(only) == 1 and only[0]["actor_id"] == str(admin.user.id)
    by_actor = client.get(
        f"/api/v1/admin/audit-events?actor_id={admin.user.id}", headers=admin.headers
    ).get_json()["data"]
    assert {e["actor_id"] for e in by_actor} == {str(admin.user.id)}
    future = client.get(
        "/api/v1/admin/audit-events",
        query_string={"since": "2999-01-01T00:00:00Z"},
        headers=admin.headers,
    ).get_json()["data"]
    assert future == []
    bad = client.get(
        "/api/v1/admin/audit-events?since=yesterday", headers=admin.headers
    )
    assert bad.status_code == 422
    assert str(other_company.id) not in {e["target_id"] for e in events["data"]}
    read_only = client.delete("/api/v1/admin/audit-events", headers=admin.headers)
    assert read_only.status_code == 405
