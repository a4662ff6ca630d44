"""Probes for the load balancer: liveness and readiness."""

from opsx_api import create_app
from tests.conftest import TEST_CONFIG
from tests.factories import assert_error


def test_ready_when_the_database_answers(client):
    response = client.get("/api/v1/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_not_ready_when_the_database_is_down_but_still_alive():
    unreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": unreachable})
    http = app.test_client()
    response = http.get("/api/v1/ready")
    assert_error(response, 503, "service_unavailable")
    assert http.get("/api/v1/health").status_code == 200


def test_requests_needing_the_database_fail_closed_when_it_is_down():
    unreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": unreachable})
    response = app.test_client().post(
        "/api/v1/auth/login",
        json={
            "email": "a@example.test",
            "password": "whatever-password-1",
            "device": {"id": "d", "platform": "ios"},
        },
    )
    assert_error(response, 503, "service_unavailable")


def test_authenticated_request_is_503_not_401_when_the_database_is_down():
    import time
    import uuid

    import jwt

    unreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    app = create_app({**TEST_CONFIG, "DATABASE_URL": unreachable})
    now = int(time.time())
    claims = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "cid": None,
        "role": "member",
        "iat": now,
        "exp": now + 60,
        "iss": "opsx",
        "aud": "opsx-app",
    }
    token = jwt.encode(
        claims,
        "test-signing-key-one-0123456789abcdef",
        headers={"kid": "k1", "typ": "at+jwt"},
    )
    response = app.test_client().get(
        "/api/v1/auth/session", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 503
