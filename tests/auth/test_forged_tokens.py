"""Forged, tampered or misplaced tokens are 401 `invalid_token`."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest

SIGNING = ("k1", "test-signing-key-one-0123456789abcdef")


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def get_session(client, token):
    return client.get(
        "/api/v1/auth/session", headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def login(factory):
    return factory.login(factory.make_user(factory.make_client()))


def assert_rejected(response):
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in ("invalid_token", "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_alg_none_is_rejected(client, login):
    token = b64({"alg": "none", "typ": "at+jwt", "kid": "k1"}) + "."
    token += b64(claims_of(login.access)) + "."
    assert_rejected(get_session(client, token))


def test_another_key_is_rejected(client, login):
    claims = claims_of(login.access)
    forged = jwt.encode(
        claims,
        "an-attackers-own-secret-0123456789ab",
        headers={"kid": "k1", "typ": "at+jwt"},
    )
    assert_rejected(get_session(client, forged))


def test_retired_key_still_verifies_but_unknown_kid_does_not(client, login):
    claims = claims_of(login.access)
    retired = jwt.encode(
        claims,
        "test-retired-key-zero-0123456789abcdef",
        headers={"kid": "k0", "typ": "at+jwt"},
    )
    assert get_session(client, retired).status_code == 200
    unknown = jwt.encode(claims, SIGNING[1], headers={"kid": "k9", "typ": "at+jwt"})
    assert_rejected(get_session(client, unknown))


def test_tampered_claims_are_rejected(client, login):
    header, payload, signature = login.access.split(".")
    claims = claims_of(login.access)
    claims["role"] = "operator"
    assert_rejected(get_session(client, f"{header}.{b64(claims)}.{signature}"))


@pytest.mark.parametrize(
    "change", [{"iss": "someone-else"}, {"aud": "another-app"}, {"exp": 1}]
)
def test_wrong_issuer_audience_or_expired_is_rejected(client, login, change):
    claims = {**claims_of(login.access), **change}
    token = jwt.encode(claims, SIGNING[1], headers={"kid": "k1", "typ": "at+jwt"})
    assert_rejected(get_session(client, token))


def test_wrong_typ_header_is_rejected(client, login):
    token = jwt.encode(claims_of(login.access), SIGNING[1], headers={"kid": "k1"})
    assert_rejected(get_session(client, token))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_is_not_allowed(client, login):
    token = jwt.encode(
        claims_of(login.access),
        SIGNING[1],
        algorithm="HS512",
        headers={"kid": "k1", "typ": "at+jwt"},
    )
    assert_rejected(get_session(client, token))


def test_valid_signature_for_a_session_that_does_not_exist(client, login):
    claims = {**claims_of(login.access), "sid": "00000000-0000-4000-8000-000000000000"}
    token = jwt.encode(claims, SIGNING[1], headers={"kid": "k1", "typ": "at+jwt"})
    assert_rejected(get_session(client, token))


def test_refresh_token_used_as_access_token(client, login):
    assert_rejected(get_session(client, login.refresh))


def test_token_in_query_string_is_refused(client, login):
    response = client.get(f"/api/v1/auth/session?access_token={login.access}")
    assert_rejected(response)
    both = client.get(
        f"/api/v1/auth/session?access_token={login.access}", headers=login.headers
    )
    assert_rejected(both)


def test_missing_or_malformed_authorization(client):
    assert_rejected(client.get("/api/v1/auth/session"))
    for value in ("Bearer", "Basic abc", "Bearer not.a.jwt", "Token x"):
        assert_rejected(
            client.get("/api/v1/auth/session", headers={"Authorization": value})
        )


def test_not_yet_expired_token_works(client, login):
    assert claims_of(login.access)["exp"] > time.time()
    assert get_session(client, login.access).status_code == 200


def signed_with_header(claims: dict, header: dict) -> str:
    """A token signed with the real key, whatever its (crafted) JOSE header says."""
    segments = [b64(header), b64(claims)]
    signing_input = ".".join(segments).encode()
    mac = hmac.new(SIGNING[1].encode(), signing_input, hashlib.sha256).digest()
    return ".".join([*segments, base64.urlsafe_b64encode(mac).decode().rstrip("=")])


@pytest.mark.parametrize("kid", [[], {}, 5, None, ["k1"]])
def test_a_kid_that_is_not_a_string_is_401(client, login, kid):
    header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
    assert_rejected(
        get_session(client, signed_with_header(claims_of(login.access), header))
    )


@pytest.mark.parametrize(
    "change",
    [
        {"kind": ["support"]},
        {"kind": {"a": 1}},
        {"kind": "nonsense"},
        {"sid": 12345},
        {"sid": ["00000000-0000-4000-8000-000000000000"]},
        {"sub": 7},
        {"kind": "support", "gid": 5},
        {"kind": "support", "gid": None},
    ],
)
def test_signed_claims_of_the_wrong_type_are_401(client, login, change):
    claims = {**claims_of(login.access), **change}
    token = jwt.encode(claims, SIGNING[1], headers={"kid": "k1", "typ": "at+jwt"})
    assert_rejected(get_session(client, token))
