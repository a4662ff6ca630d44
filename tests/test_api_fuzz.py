"""schemathesis against the served spec: no 5xx, no answer off the documented schema.

Every operation of the OpenAPI 3.1 `/api/v1/openapi.json` gets generated
requests, valid ones (positive) and invalid ones (negative), from a company
admin logged in through the real login. Each operation starts on empty tables
with a fresh company, so one operation's logout, throttled logins or deleted
rows never leak into the next; positive cases name real rows (a prospect, a
member, a grant...) half of the time, so the protected operations are exercised
past their 404.

Bounded and deterministic: `OPSX_FUZZ_EXAMPLES` cases per operation and mode
(default 10), derandomised, so CI sees the same cases every run. Set it higher
locally to search further; the summary line gives cases and seconds.
"""

import os
import time
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import _empty_tables

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("OPSX_FUZZ_EXAMPLES", "10"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def seed_company(app, factory) -> tuple[dict, dict[str, str]]:
    """A company through the real API: the admin's headers and ids of real rows."""
    company = factory.company()
    admin = company.admin_login
    member = factory.login(factory.make_user(company), push_token="fuzz-phone")
    api, headers = factory.client, admin.headers

    def post(path, body):
        response = api.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code in (201, 202), response.get_json()
        return response.get_json()

    prospect = post("/prospects", {"name": "Fuzz Prospect"})
    post(f"/prospects/{prospect['id']}/notes", {"body": "A note"})
    grant = post(
        "/admin/support-grants",
        {"scope": "read", "reason": "Ticket 1", "duration_hours": 2},
    )
    broadcast = post("/admin/notifications", {"title": "Hello", "body": "All"})
    inbox = api.get("/api/v1/me/notifications", headers=headers).get_json()
    known = {
        "prospect_id": prospect["id"],
        "user_id": str(member.user.id),
        "session_id": member.session_id,
        "grant_id": grant["id"],
        "broadcast_id": broadcast["id"],
        "notification_id": inbox["data"][0]["id"],
    }
    return headers, known


def cases(operation, mode, known: dict[str, str]):
    """The operation's generated cases; positive ones name real rows half the time."""
    generated = operation.as_strategy(mode)
    names = {p.name for p in operation.path_parameters}
    real = {name: value for name, value in known.items() if name in names}
    if mode is not GenerationMode.POSITIVE or not real:
        return generated
    return st.one_of(generated, operation.as_strategy(mode, path_parameters=real))


def run_operation(operation, mode, headers, known, tally) -> str | None:
    """Run the cases of one operation and mode; a failure report, or None."""

    @given(cases(operation, mode, known))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        tally[mode.value] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together
        if "Unable to satisfy assumptions" in str(exc):
            return None  # nothing invalid to generate (no parameters at all)
        return f"{operation.method.upper()} {operation.path} [{mode.value}]\n{exc}"
    return None


def test_every_operation_conforms_to_the_spec_under_generated_requests(app, factory):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tally: Counter[str] = Counter()
    failures = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            with app.app_context():
                _empty_tables()
            headers, known = seed_company(app, factory)
            failure = run_operation(operation, mode, headers, known, tally)
            if failure:
                failures.append(failure)
    seconds = time.monotonic() - started
    print(
        f"\nschemathesis: {sum(tally.values())} cases "
        f"({tally['positive']} positive, {tally['negative']} negative), "
        f"{EXAMPLES} per operation and mode, {seconds:.1f} s"
    )
    assert not failures, "\n\n".join(failures)
