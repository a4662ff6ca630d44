"""My own account: read, edit, change password."""


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


def test_patch_me_changes_name_and_email_only(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    response = client.patch(
        "/api/v1/me",
        json={"name": "New Name", "email": "ME@Example.test"},
        headers=login.headers,
    )
    assert response.status_code == 200
    assert response.get_json()["email"] == "me@example.test"
    for forbidden in (
        {"role": "admin"},
        {"status": "active"},
        {"client_id": "x"},
        {"id": "x"},
    ):
        bad = client.patch("/api/v1/me", json=forbidden, headers=login.headers)
        assert bad.status_code == 422, forbidden
        assert bad.get_json()["error"]["code"] == "validation_error"
    assert (
        client.get("/api/v1/me", headers=login.headers).get_json()["role"] == "member"
    )


def test_patch_me_to_a_taken_email_is_409(factory, client):
    company = factory.make_client()
    other = factory.make_user(company)
    login = factory.login(factory.make_user(company))
    response = client.patch(
        "/api/v1/me", json={"email": other.email}, headers=login.headers
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "email_taken"


def test_change_password_requires_the_current_one(factory, client):
    user = factory.make_user(factory.make_client())
    login = factory.login(user)
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "not-my-password-at-all", "new_password": "x" * 20},
        headers=login.headers,
    )
    assert wrong.status_code == 403
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    weak = client.post(
        "/api/v1/me/password",
        json={"current_password": "field-work-password-2026", "new_password": "short"},
        headers=login.headers,
    )
    assert weak.status_code == 422
    ok = client.post(
        "/api/v1/me/password",
        json={
            "current_password": "field-work-password-2026",
            "new_password": "a-brand-new-long-password",
        },
        headers=login.headers,
    )
    assert ok.status_code == 204
    assert client.get("/api/v1/me", headers=login.headers).status_code == 200
    factory.login(user, device_id=login.device_id, password="a-brand-new-long-password")
    factory.login(user, password="field-work-password-2026", expect=401)


def test_change_password_revokes_other_sessions(factory, client, app):
    """Staff keep several sessions only in theory; the rule is: all but mine die."""
    from datetime import timedelta

    from opsx_api import clock, db
    from opsx_api.services import sessions as session_service

    user = factory.make_user(factory.make_client(policy="replace"))
    old = factory.login(user, device_id="old-phone")
    current = factory.login(user, device_id="new-phone")
    assert client.get("/api/v1/me", headers=old.headers).status_code == 401
    clock.advance(timedelta(seconds=1))
    response = client.post(
        "/api/v1/me/password",
        json={
            "current_password": "field-work-password-2026",
            "new_password": "a-brand-new-long-password",
        },
        headers=current.headers,
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=current.headers).status_code == 200
    with app.app_context():
        assert len(session_service.live_sessions(user.id, lock=False)) == 1
        db.session().rollback()


def test_me_without_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={}).status_code == 401
