"""GET /access: the calls a token may make, as the one access check answers them."""

import re

import pytest

from tests.factories import assert_error
from tests.support.kit import API


def calls(client, headers) -> set[str]:
    response = client.get(f"{API}/access", headers=headers)
    assert response.status_code == 200
    return set(response.get_json()["calls"])


def test_access_without_a_token_is_401(client):
    response = client.get(f"{API}/access")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_access_lists_what_the_admin_may_call(factory, client):
    admin = calls(client, factory.company().headers)
    assert {
        "GET /admin/users",
        "POST /admin/users/{}/deactivate",
        "DELETE /admin/sessions/{}",
        "GET /admin/audit-events",
        "POST /admin/support-grants",
        "POST /prospects/import",
    } <= admin
    assert not {"GET /operator/clients", "GET /support/grants"} & admin


def test_access_under_a_read_grant_lists_reads_only(kit, factory, client):
    entry = kit.enter(factory.company(), "read")
    read = calls(client, entry.headers)
    assert {"GET /admin/users", "GET /prospects", "GET /admin/notifications/{}"} <= read
    assert not [call for call in read if not call.startswith("GET ")]
    assert "GET /admin/audit-events" not in read  # never for support


def test_access_under_a_write_grant_never_reaches_identities(kit, factory, client):
    entry = kit.enter(factory.company(), "write")
    write = calls(client, entry.headers)
    assert {"POST /admin/notifications", "POST /prospects/import"} <= write
    assert (
        not {
            "POST /admin/users",
            "PATCH /admin/users/{}",
            "POST /admin/users/{}/deactivate",
            "PATCH /admin/client",
            "POST /admin/support-grants",
        }
        & write
    )


@pytest.mark.parametrize("who", ["admin", "member", "read", "write"])
def test_the_list_is_exactly_what_each_tenant_route_answers(kit, factory, client, who):
    company = factory.company(members=1)
    if who in ("read", "write"):
        headers = kit.enter(company, who).headers
    else:
        headers = company.headers if who == "admin" else company.member_headers
    listed = calls(client, headers)

    routes = list(kit.tenant_routes())
    assert len(routes) >= 30
    for rule, method in routes:
        call = f"{method} {re.sub(r'<[^>]+>', '{}', rule.rule[len(API) :])}"
        refused = kit.call(rule, method, headers).status_code == 403
        assert refused is (call not in listed), (who, call)
