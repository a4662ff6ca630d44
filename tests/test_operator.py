"""Operators create client companies with their first admin."""


def test_operator_creates_and_lists_clients(factory, client):
    operator = factory.login(factory.make_user(None, "operator"))
    response = client.post(
        "/api/v1/operator/clients",
        json={
            "name": "Northwind",
            "device_policy": "replace",
            "admin": {
                "email": "boss@northwind.test",
                "name": "Boss",
                "password": "northwind-admin-password",
            },
        },
        headers=operator.headers,
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["device_policy"] == "replace"
    listing = client.get("/api/v1/operator/clients", headers=operator.headers)
    assert created["id"] in [c["id"] for c in listing.get_json()["data"]]
    admin = client.post(
        "/api/v1/auth/login",
        json={
            "email": "boss@northwind.test",
            "password": "northwind-admin-password",
            "device": {"id": "laptop", "platform": "web"},
        },
    )
    assert admin.get_json()["user"]["role"] == "admin"


def test_operator_endpoints_refuse_other_roles(factory, client):
    company = factory.make_client()
    for user in (factory.admin_of(company), factory.make_user(None, "support")):
        login = factory.login(user)
        assert (
            client.get("/api/v1/operator/clients", headers=login.headers).status_code
            == 403
        )
    assert client.get("/api/v1/operator/clients").status_code == 401


def test_operator_create_validates_body(factory, client):
    operator = factory.login(factory.make_user(None, "operator"))
    response = client.post(
        "/api/v1/operator/clients",
        json={"name": "", "admin": {"email": "bad"}},
        headers=operator.headers,
    )
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert "name" in details and "email" in details["admin"]


def test_staff_without_client_see_no_tenant_data(factory, client):
    operator = factory.login(factory.make_user(None, "operator"))
    for path in ("/api/v1/admin/users", "/api/v1/admin/client"):
        assert client.get(path, headers=operator.headers).status_code in (403, 404)
