def test_health_answers_ok(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_login_and_read_session(factory, client):
    company = factory.make_client()
    user = factory.make_user(company)
    login = factory.login(user, push_token="tok-1")
    response = client.get("/api/v1/auth/session", headers=login.headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["device"]["id"] == login.device_id
    assert body["push_registered"] is True
