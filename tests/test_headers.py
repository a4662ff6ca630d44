"""Answers with tokens or personal data are `no-store`; every error envelope is whole.

The rule (README, Decisions): every answer is `Cache-Control: no-store` except
health, readiness, the Swagger UI and the spec.
"""

import pytest

from tests.support.kit import SupportKit
from tests.test_errors import assert_envelope

API = "/api/v1"


@pytest.fixture
def kit(app, factory, client):
    return SupportKit(app, factory, client)


def assert_no_store(response):
    assert response.headers.get("Cache-Control") == "no-store", (
        response.status_code,
        response.request.path,
        response.headers.get("Cache-Control"),
    )


def test_answers_with_tokens_are_no_store(client, factory, kit):
    company = factory.company()
    login = company.admin_login
    refreshed = client.post(
        f"{API}/auth/refresh", json={"refresh_token": login.refresh}
    )
    assert refreshed.status_code == 200
    staff = kit.staff()
    grant = kit.grant(company)
    opened = client.post(
        f"{API}/support/sessions", json={"grant_id": grant["id"]}, headers=staff.headers
    )
    assert opened.status_code == 201
    login_answer = factory.client.post(
        f"{API}/auth/login",
        json={
            "email": company.admin.email,
            "password": "field-work-password-2026",
            "device": {"id": login.device_id, "platform": "android"},
        },
    )
    for response in (login_answer, refreshed, opened):
        assert_no_store(response)


def test_answers_with_personal_data_are_no_store(client, factory, kit):
    company = factory.company()
    headers = company.relogin().headers
    prospect = client.post(
        f"{API}/prospects", json={"name": "Ada Lovelace"}, headers=headers
    ).get_json()
    operator = factory.login(factory.make_user(None, "operator"))
    staff = kit.staff()
    reads = [
        ("/me", headers),
        ("/auth/session", headers),
        ("/prospects", headers),
        (f"/prospects/{prospect['id']}", headers),
        (f"/prospects/{prospect['id']}/notes", headers),
        ("/prospects/changes", headers),
        ("/prospects/export", headers),
        ("/admin/users", headers),
        (f"/admin/users/{company.admin.id}", headers),
        ("/admin/client", headers),
        ("/admin/audit-events", headers),
        ("/admin/support-grants", headers),
        ("/me/notifications", headers),
        ("/support/grants", staff.headers),
        ("/support/stats", staff.headers),
        ("/operator/clients", operator.headers),
    ]
    for path, who in reads:
        response = client.get(API + path, headers=who)
        assert response.status_code == 200, (path, response.get_json())
        assert_no_store(response)


def test_errors_are_no_store_and_public_documents_are_not(client):
    assert_no_store(client.get(f"{API}/me"))
    assert_no_store(client.get(f"{API}/no-such-thing"))
    for path in ("/health", "/swagger.json", "/openapi.json", "/docs"):
        response = client.get(API + path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", f"{API}/no-such-thing", 404, "not_found"),
        ("get", "/no-such-page", 404, "not_found"),
        ("get", f"{API}/prospects/not-a-uuid", 404, "not_found"),
        ("delete", f"{API}/health", 405, "method_not_allowed"),
        ("put", f"{API}/auth/login", 405, "method_not_allowed"),
    ],
)
def test_router_errors_carry_details_null(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert_envelope(response, status, code)
    assert response.get_json()["error"] == {
        "code": code,
        "message": response.get_json()["error"]["message"],
        "details": None,
    }


def test_every_error_envelope_has_code_message_and_details(client, factory):
    answers = [
        client.get(f"{API}/me"),  # 401
        client.post(f"{API}/auth/login", data="{", content_type="application/json"),
        client.post(f"{API}/auth/login", json={"email": "x"}),  # 422, details
    ]
    for response in answers:
        assert set(response.get_json()["error"]) == {"code", "message", "details"}
