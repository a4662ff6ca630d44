"""Refresh tokens rotate on every use; replaying a rotated-out one kills the session."""

from datetime import timedelta

from opsx_api import clock
from tests.factories import assert_error


def refresh(client, token):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": token})


def test_each_refresh_rotates_and_the_new_pair_works(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    first = refresh(client, login.refresh)
    assert first.status_code == 200
    body = first.get_json()
    assert body["refresh_token"] != login.refresh
    assert body["session"]["id"] == login.session_id
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/auth/session", headers=headers).status_code == 200
    assert refresh(client, body["refresh_token"]).status_code == 200


def test_previous_token_is_accepted_within_the_grace_window(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    assert refresh(client, login.refresh).status_code == 200
    clock.advance(timedelta(seconds=5))
    retry = refresh(client, login.refresh)
    assert retry.status_code == 200
    headers = {"Authorization": f"Bearer {retry.get_json()['access_token']}"}
    assert client.get("/api/v1/auth/session", headers=headers).status_code == 200


def test_replay_after_grace_revokes_the_whole_session(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    newest = refresh(client, login.refresh).get_json()
    clock.advance(timedelta(seconds=11))
    replay = refresh(client, login.refresh)
    assert_error(replay, 401, "invalid_grant")
    headers = {"Authorization": f"Bearer {newest['access_token']}"}
    assert client.get("/api/v1/auth/session", headers=headers).status_code == 401
    assert refresh(client, newest["refresh_token"]).status_code == 401


def test_replay_of_an_older_token_revokes_the_session(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    second = refresh(client, login.refresh).get_json()
    clock.advance(timedelta(seconds=1))
    third = refresh(client, second["refresh_token"]).get_json()
    # Two rotations old: outside any grace, whatever the time.
    assert refresh(client, login.refresh).status_code == 401
    assert refresh(client, third["refresh_token"]).status_code == 401


def test_unknown_refresh_token_is_invalid_grant_and_harmless(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    response = refresh(client, "not-a-token-we-issued")
    assert_error(response, 401, "invalid_grant")
    assert client.get("/api/v1/auth/session", headers=login.headers).status_code == 200


def test_refresh_after_inactivity_limit_fails(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    clock.advance(timedelta(days=30, seconds=1))
    assert refresh(client, login.refresh).get_json()["error"]["code"] == "invalid_grant"


def test_refresh_after_absolute_limit_fails_even_when_active(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    token = login.refresh
    for _ in range(4):
        clock.advance(timedelta(days=20))
        response = refresh(client, token)
        assert response.status_code == 200
        token = response.get_json()["refresh_token"]
    clock.advance(timedelta(days=11))  # 91 days after login
    assert refresh(client, token).status_code == 401


def test_access_token_expires_after_fifteen_minutes(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    clock.advance(timedelta(minutes=15, seconds=1))
    response = client.get("/api/v1/auth/session", headers=login.headers)
    assert_error(response, 401, "invalid_token")


def test_refresh_body_is_validated(client):
    assert refresh(client, "").status_code == 422
    assert client.post("/api/v1/auth/refresh", json={}).status_code == 422
