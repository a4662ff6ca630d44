"""My own account: read, edit, change password."""

from tests.factories import assert_error


def test_me_shows_profile_and_client_never_secrets(factory, client):
    company = factory.make_client(name="Acme Field")
    user = factory.make_user(company, name="Ada")
    login = factory.login(user)
    body = client.get("/api/v1/me", headers=login.headers).get_json()
    assert body["email"] == user.email and body["name"] == "Ada"
    assert body["client"] == {"id": str(company.id), "name": "Acme Field"}
    assert body["role"] == "member" and body["status"] == "active"
    text = str(body)
    assert "hash" not in text and "token" not in text


def test_patch_me_changes_name_and_asks_for_email_only(factory, client):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    response = client.patch(
        "/api/v1/me",
        json={"name": "New Name", "email": "ME@Example.test"},
        headers=login.headers,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "New Name"
    # The new address waits for its confirmation link (tests/accounts).
    assert (body["email"], body["pending_email"]) == (user.email, "me@example.test")
    for forbidden in (
        {"role": "admin"},
        {"status": "active"},
        {"client_id": "x"},
        {"id": "x"},
    ):
        bad = client.patch("/api/v1/me", json=forbidden, headers=login.headers)
        assert_error(bad, 422, "validation_error")
    assert (
        client.get("/api/v1/me", headers=login.headers).get_json()["role"] == "member"
    )


def test_patch_me_to_a_taken_email_does_not_say_so(factory, client):
    company = factory.make_client()
    other = factory.make_user(company)
    login = factory.login(factory.make_user(company))
    response = client.patch(
        "/api/v1/me", json={"email": other.email}, headers=login.headers
    )
    assert response.status_code == 200
    assert response.get_json()["pending_email"] == other.email


def change_password(client, login, current, new):
    return client.post(
        "/api/v1/me/password",
        json={"current_password": current, "new_password": new},
        headers=login.headers,
    )


def test_change_password_requires_the_current_one(factory, client):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    old, new = "field-work-password-2026", "a-brand-new-long-password"
    wrong = change_password(client, login, "not-my-password-at-all", new)
    assert_error(wrong, 403, "invalid_credentials")
    weak = change_password(client, login, old, "short")
    assert_error(weak, 422, "validation_error")
    changed = change_password(client, login, old, new)
    assert changed.status_code == 200
    fresh = {"Authorization": f"Bearer {changed.get_json()['access_token']}"}
    assert client.get("/api/v1/me", headers=fresh).status_code == 200
    factory.login(user, device_id=login.device_id, password=new)
    factory.login(user, password=old, expect=401)


def test_me_without_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={}).status_code == 401
