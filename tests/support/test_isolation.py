"""Without a live grant support staff get no tenant data — on every tenant route.

The routes are read from the app's URL map, so resources added later (prospects)
are covered as soon as they are registered.
"""

import json

from tests.support.kit import API, GRANTS


def _ids(company, member, member_login, grant) -> dict:
    return {
        "user_id": member.id,
        "session_id": member_login.session_id,
        "grant_id": grant["id"],
    }


def _leaks(response, secrets: list[str]) -> list[str]:
    text = json.dumps(response.get_json())
    return [s for s in secrets if s in text]


def test_staff_without_a_grant_get_403_or_404_on_every_tenant_route(
    kit, factory, client
):
    company = factory.company()
    member = factory.make_user(company.client, "member", name="Quiet Member")
    member_login = factory.login(member)
    grant = kit.grant(company)  # a live grant exists, but no session is opened
    staff = kit.staff()
    secrets = [
        str(company.client.id),
        company.client.name,
        member.email,
        str(member.id),
    ]
    routes = list(kit.tenant_routes())
    assert any(rule.rule == f"{API}/admin/users" for rule, _ in routes)
    for rule, method in routes:
        ids = _ids(company, member, member_login, grant)
        response = kit.call(rule, method, staff.headers, ids)
        assert response.status_code in (403, 404), (method, rule.rule)
        assert response.get_json()["error"]["code"] in ("forbidden", "not_found")
        assert _leaks(response, secrets) == [], (method, rule.rule)


def test_support_session_of_one_client_gets_nothing_of_another(kit, factory, client):
    company, other = factory.company(), factory.company()
    member = factory.make_user(company.client, "member", name="Quiet Member")
    member_login = factory.login(member)
    grant = kit.grant(company)
    entry = kit.enter(other, "write")
    secrets = [member.email, "Quiet Member", str(company.client.id)]
    routes = [(r, m) for r, m in kit.tenant_routes() if r.arguments]
    assert routes
    for rule, method in routes:
        ids = _ids(company, member, member_login, grant)
        response = kit.call(rule, method, entry.headers, ids)
        assert response.status_code in (403, 404), (method, rule.rule)
        assert _leaks(response, secrets) == [], (method, rule.rule)
    # Company A's member, session and grant are untouched.
    session = client.get(f"{API}/auth/session", headers=member_login.headers)
    assert session.status_code == 200
    one = client.get(f"{GRANTS}/{grant['id']}", headers=company.headers)
    assert one.get_json()["status"] == "live"


def test_staff_own_login_reads_no_tenant_list(factory, kit, client):
    factory.company()
    staff = kit.staff()
    for path in ("/admin/users", "/admin/client", "/admin/audit-events", "/prospects"):
        response = client.get(f"{API}{path}", headers=staff.headers)
        assert response.status_code in (403, 404)
