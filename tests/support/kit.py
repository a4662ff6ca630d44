"""Helpers for the support tests: everything goes through the real API."""

import re
import uuid
from dataclasses import dataclass

from tests.factories import Company, Login

API = "/api/v1"
GRANTS = f"{API}/admin/support-grants"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Tenant resources: everything a company admin or member reads or writes.
TENANT_PREFIXES = (f"{API}/admin", f"{API}/prospects")


@dataclass
class Entry:
    """An opened support session: its answer, token headers and the grant."""

    body: dict
    grant: dict
    staff: Login

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.body['access_token']}"}


class SupportKit:
    def __init__(self, app, factory, client):
        self.app = app
        self.factory = factory
        self.client = client

    def staff(self, name: str = "Sam Supporter") -> Login:
        """A support staff member, logged in as themselves."""
        return self.factory.login(self.factory.make_user(None, "support", name=name))

    def grant(
        self,
        company: Company,
        scope: str = "read",
        hours: int = 4,
        reason: str = "Ticket 4711: sync fails",
    ) -> dict:
        response = self.client.post(
            GRANTS,
            json={"scope": scope, "reason": reason, "duration_hours": hours},
            headers=company.headers,
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def open(self, staff: Login, grant_id: str, expect: int = 201):
        response = self.client.post(
            f"{API}/support/sessions",
            json={"grant_id": grant_id},
            headers=staff.headers,
        )
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def enter(
        self, company: Company, scope: str = "read", staff: Login | None = None
    ) -> Entry:
        """A grant of `company` and a support session opened on it."""
        staff = staff or self.staff()
        grant = self.grant(company, scope)
        return Entry(self.open(staff, grant["id"]), grant, staff)

    def tenant_routes(self, methods=None):
        """(rule, method) of every tenant route the app has, whoever added it."""
        for rule in sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule):
            if not rule.rule.startswith(TENANT_PREFIXES):
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if methods is None or method in methods:
                    yield rule, method

    def call(self, rule, method: str, headers: dict, ids: dict | None = None):
        """Call a route, filling its path parameters from `ids` (else random)."""
        ids = ids or {}
        url = re.sub(
            r"<(?:[^:<>]+:)?([^<>]+)>",
            lambda m: str(ids.get(m[1], uuid.uuid4())),
            rule.rule,
        )
        body = {} if method in UNSAFE else None
        response = self.client.open(url, method=method, json=body, headers=headers)
        response.get_data()  # a streamed answer (CSV export) ends its request here
        return response

    def events(self, company: Company, **query) -> list[dict]:
        """The company's audit trail, read by its admin."""
        response = self.client.get(
            f"{API}/admin/audit-events",
            query_string={"limit": 100, **query},
            headers=company.headers,
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["data"]
