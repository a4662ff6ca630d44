"""Console pages without a browser: headers, no inline script, `/console/access`."""

import re
from pathlib import Path

import pytest

from opsx_api.console import CSP
from tests.factories import assert_error
from tests.support.kit import SupportKit

STATIC = Path(__file__).resolve().parents[2] / "opsx_api" / "console" / "static"
FILES = sorted(
    p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()
)


@pytest.fixture
def kit(app, factory, client):
    return SupportKit(app, factory, client)


def assert_console_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_csp_header_is_on_every_console_page_and_file(client):
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP
    assert "frame-ancestors 'none'" in CSP
    assert len(FILES) >= 15
    for path in ["/console", "/console/", "/console/access"] + [
        f"/console/static/{name}" for name in FILES
    ]:
        response = client.get(path)
        assert response.status_code in (200, 401), path
        assert_console_headers(response)


def test_no_inline_script_and_no_markup_from_strings():
    page = (STATIC / "index.html").read_text()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers
    for name in FILES:
        if name.endswith(".js"):
            source = (STATIC / name).read_text()
            for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval("):
                assert risky not in source, (name, risky)
            assert "localStorage.setItem(DEVICE_KEY" in source or (
                "Storage" not in source
            ), name  # only the device id is stored; never a token


def test_access_without_a_token_is_401(client):
    response = client.get("/console/access")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def calls(client, headers) -> set[str]:
    response = client.get("/console/access", headers=headers)
    assert response.status_code == 200
    return set(response.get_json()["calls"])


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
