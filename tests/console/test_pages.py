"""Console pages without a browser: headers on every file, no inline script."""

import re
from pathlib import Path

from opsx_api.console import CSP

STATIC = Path(__file__).resolve().parents[2] / "opsx_api" / "console" / "static"
FILES = sorted(
    p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()
)


def assert_console_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_csp_header_is_on_every_console_page_and_file(client):
    assert "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP
    assert "frame-ancestors 'none'" in CSP
    assert len(FILES) >= 15
    for path in ["/console", "/console/"] + [
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


def test_without_a_browser_on_the_path_the_browser_tests_skip(monkeypatch, tmp_path):
    from tests.console.conftest import _browser

    monkeypatch.setenv("PATH", str(tmp_path))
    assert _browser() is None
