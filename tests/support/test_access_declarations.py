"""Who may call each resource is declared on it, and every caller gets exactly that.

The routes are read from the app's URL map, so a resource added later is held to
its declaration as soon as it is registered (issue 8, finding 1).
"""

import re

from flask_restx import Resource

from opsx_api.api.base import BaseResource, PublicResource
from opsx_api.auth.access import SAFE_METHODS, SUPPORT_LEVELS
from tests.factories import assert_error
from tests.support.kit import API

# Identities and access are the company's own business: no support session, under
# any grant, may use these (API.md, "Support staff"; DESIGN.md, "Support access").
IDENTITY_ROUTES = re.compile(rf"^{API}/(admin/users|admin/sessions|admin/client)(/|$)")
NEVER_FOR_SUPPORT = re.compile(
    rf"^{API}/(admin/support-grants|admin/audit-events|me|auth|operator|support"
    # emailing a user a link that sets their password: not even under a write grant
    r"|admin/users/<[^>]+>/(invitation|password-reset))(/|$)"
)


def api_routes(app):
    """(rule, method, resource class) of every route under /api/v1."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        resource = getattr(view, "view_class", None)
        if not rule.rule.startswith(API) or resource is None:
            continue
        if (
            not issubclass(resource, Resource)
            or resource.__module__ == "flask_restx.api"
        ):
            continue  # flask-restx's own spec view: public by design
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, resource


def protected_routes(app):
    """The non-public routes; logging out (which ends the caller's session) last."""
    routes = [r for r in api_routes(app) if not issubclass(r[2], PublicResource)]
    return sorted(routes, key=lambda r: r[0].rule.endswith("/logout"))


def test_every_resource_declares_who_may_call_it(app):
    seen = 0
    for rule, method, resource in api_routes(app):
        if issubclass(resource, PublicResource):
            continue
        assert issubclass(resource, BaseResource), rule.rule
        assert resource.roles, (method, rule.rule, "declares no roles")
        assert resource.support in SUPPORT_LEVELS, (method, rule.rule)
        seen += 1
    assert seen >= 40


def test_no_route_lets_a_support_session_manage_identities_or_grants(app):
    for rule, method, resource in protected_routes(app):
        if NEVER_FOR_SUPPORT.match(rule.rule):
            assert resource.support == "never", (method, rule.rule)
        if IDENTITY_ROUTES.match(rule.rule) and method not in SAFE_METHODS:
            assert resource.support != "write", (method, rule.rule)


def expected_for_support(resource, method: str, scope: str) -> bool:
    """Whether a support session of `scope` may call `method` on `resource`."""
    if resource.support == "never":
        return False
    if method in SAFE_METHODS:
        return True
    return resource.support == "write" and scope == "write"


def test_support_sessions_get_exactly_what_each_route_declares(kit, factory):
    company = factory.company()
    member = factory.make_user(company.client, "member")
    member_login = factory.login(member)
    checked = {"read": 0, "write": 0}
    for scope in ("read", "write"):
        entry = kit.enter(company, scope)
        ids = {
            "user_id": member.id,
            "session_id": member_login.session_id,
            "grant_id": entry.grant["id"],
        }
        for rule, method, resource in protected_routes(kit.app):
            response = kit.call(rule, method, entry.headers, ids)
            allowed = expected_for_support(resource, method, scope)
            if allowed:
                assert response.status_code != 403, (scope, method, rule.rule)
            else:
                assert_error(response, 403, "forbidden")
            checked[scope] += 1
    assert checked["read"] >= 40 and checked["write"] >= 40


def test_a_write_grant_cannot_create_promote_or_reactivate(kit, factory, client):
    """The escalation of finding 1, step by step, under a `write` grant."""
    company = factory.company()
    member = factory.make_user(company.client, "member")
    gone = factory.make_user(company.client, "member")
    client.post(
        f"{API}/admin/users/{gone.id}/deactivate", json={}, headers=company.headers
    )
    entry = kit.enter(company, "write")
    attempts = [
        (
            "POST",
            f"{API}/admin/users",
            {
                "email": "backdoor@example.test",
                "name": "Back Door",
                "role": "admin",
                "password": "a-password-support-chose-2026",
            },
        ),
        ("PATCH", f"{API}/admin/users/{member.id}", {"role": "admin"}),
        ("PATCH", f"{API}/admin/users/{company.admin.id}", {"role": "member"}),
        ("POST", f"{API}/admin/users/{gone.id}/reactivate", {}),
        ("PATCH", f"{API}/admin/client", {"device_policy": "replace"}),
        (
            "POST",
            f"{API}/admin/support-grants",
            {"scope": "write", "reason": "self-granted", "duration_hours": 168},
        ),
    ]
    for method, url, body in attempts:
        response = client.open(url, method=method, json=body, headers=entry.headers)
        assert_error(response, 403, "forbidden")
    listed = client.get(f"{API}/admin/users", headers=company.headers).get_json()
    roles = {u["email"]: (u["role"], u["status"]) for u in listed["data"]}
    assert "backdoor@example.test" not in roles
    assert roles[member.email] == ("member", "active")
    assert roles[company.admin.email] == ("admin", "active")
    assert roles[gone.email] == ("member", "deactivated")
    settings = client.get(f"{API}/admin/client", headers=company.headers).get_json()
    assert settings["device_policy"] == "reject"


def test_people_get_exactly_what_each_route_declares_for_their_role(kit, factory):
    company = factory.company()
    member = factory.login(factory.make_user(company.client, "member"))
    staff = kit.staff()
    operator = factory.login(factory.make_user(None, "operator"))
    callers = {
        "admin": company.admin_login,
        "member": member,
        "support": staff,
        "operator": operator,
    }
    for rule, method, resource in protected_routes(kit.app):
        for role, login in callers.items():
            response = kit.call(rule, method, login.headers)
            if role in resource.roles:
                assert response.status_code != 403, (role, method, rule.rule)
            else:
                assert_error(response, 403, "forbidden")
