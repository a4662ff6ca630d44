"""Every failure answers in the one envelope, never with a stack trace or SQL."""


def assert_envelope(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "SELECT" not in text


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/auth/login", data="{not json", content_type="application/json"
    )
    assert_envelope(response, 400, "bad_request")


def test_wrong_content_type_is_415(client):
    response = client.post(
        "/api/v1/auth/login", data="email=a@b.c", content_type="text/plain"
    )
    assert_envelope(response, 415, "unsupported_media_type")


def test_oversized_body_is_413(client, app):
    big = "x" * (app.config["MAX_BODY_BYTES"] + 10)
    response = client.post(
        "/api/v1/auth/login",
        data='{"email": "' + big + '"}',
        content_type="application/json",
    )
    assert_envelope(response, 413, "payload_too_large")


def test_unknown_field_is_422_with_details(client):
    response = client.post(
        "/api/v1/auth/login",
        json={"email": "a@example.test", "password": "x", "device": {}, "admin": 1},
    )
    assert_envelope(response, 422, "validation_error")
    details = response.get_json()["error"]["details"]
    assert "admin" in details
    assert "id" in details["device"] and "platform" in details["device"]


def test_invalid_field_values_are_422(client):
    response = client.post(
        "/api/v1/auth/login",
        json={
            "email": "not-an-email",
            "password": "x",
            "device": {"id": "d", "platform": "nokia"},
        },
    )
    assert_envelope(response, 422, "validation_error")
    details = response.get_json()["error"]["details"]
    assert "email" in details and "platform" in details["device"]


def test_json_array_body_is_422(client):
    response = client.post("/api/v1/auth/login", json=[1, 2])
    assert_envelope(response, 422, "validation_error")


def test_unknown_route_is_not_found(client):
    assert_envelope(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405(client):
    assert_envelope(client.delete("/api/v1/health"), 405, "method_not_allowed")


def test_unhandled_error_is_500_without_trace(app, client, monkeypatch):
    from opsx_api.services import auth

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(auth, "refresh", explode)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "abc"})
    assert_envelope(response, 500, "internal_error")
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_database_down_is_503(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from opsx_api.services import auth

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(auth, "refresh", down)
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "abc"})
    assert_envelope(response, 503, "service_unavailable")


def test_request_id_is_echoed(client):
    response = client.get("/api/v1/health", headers={"X-Request-ID": "abc12345-req"})
    assert response.headers["X-Request-ID"] == "abc12345-req"
    generated = client.get("/api/v1/health").headers["X-Request-ID"]
    assert len(generated) == 32


def test_unknown_route_outside_the_api_is_404_envelope(client):
    assert_envelope(client.get("/no-such-page"), 404, "not_found")


def test_one_json_log_line_per_request(app, client, caplog):
    import logging

    app.config["LOG_REQUESTS"] = True
    try:
        with caplog.at_level(logging.INFO, logger="opsx.request"):
            client.get("/api/v1/health", headers={"X-Request-ID": "logline-0001"})
    finally:
        app.config["LOG_REQUESTS"] = False
    lines = [r for r in caplog.records if r.name == "opsx.request"]
    assert len(lines) == 1
    payload = lines[0].payload
    assert payload["request_id"] == "logline-0001"
    assert payload["status"] == 200 and payload["path"] == "/api/v1/health"
    assert {"ip", "method", "latency_ms", "user", "client"} <= set(payload)
