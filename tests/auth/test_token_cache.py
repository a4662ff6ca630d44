"""Verified tokens are remembered per token string; expiry and revocation are not."""

from datetime import timedelta

import jwt

from opsx_api import clock
from opsx_api.auth import tokens
from opsx_api.auth.tokens import VerifiedTokens
from tests.factories import assert_error


def session_status(client, headers) -> int:
    return client.get("/api/v1/auth/session", headers=headers).status_code


def test_a_token_signature_is_verified_once(factory, client, monkeypatch):
    login = factory.login(factory.make_user(factory.make_client()))
    calls = []
    original = jwt.decode
    monkeypatch.setattr(
        tokens.jwt, "decode", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    for _ in range(3):
        assert session_status(client, login.headers) == 200
    assert len(calls) == 1


def test_a_remembered_token_still_expires(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    assert session_status(client, login.headers) == 200
    clock.advance(timedelta(minutes=16))
    response = client.get("/api/v1/auth/session", headers=login.headers)
    assert_error(response, 401, "invalid_token")


def test_a_remembered_token_of_a_revoked_session_is_refused_at_once(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    assert session_status(client, login.headers) == 200
    assert client.post("/api/v1/auth/logout", headers=login.headers).status_code == 204
    assert session_status(client, login.headers) == 401


def test_a_tampered_copy_of_a_remembered_token_is_refused(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))
    assert session_status(client, login.headers) == 200
    token = login.headers["Authorization"].split()[1]
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[::-1]}"
    assert session_status(client, {"Authorization": f"Bearer {forged}"}) == 401


def test_the_cache_keeps_the_most_recently_used_tokens():
    cache = VerifiedTokens(size=2)
    cache.put("a", {"n": 1})
    cache.put("b", {"n": 2})
    assert cache.get("a") == {"n": 1}
    cache.put("c", {"n": 3})
    assert cache.get("b") is None
    assert cache.get("a") == {"n": 1} and cache.get("c") == {"n": 3}
