"""Browser tests: Debian's Chromium, driven by Selenium, against a served app.

The app is served by Werkzeug on loopback in a thread, on the test database;
an outbox worker runs beside it, sending pushes to a real FCM emulator. The
tests run on SQLite only: the API underneath is tested on both databases.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from opsx_api.push.emulator import FcmEmulator
from tests.console.kit import Console
from tests.workers import in_process_worker

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
SCREENSHOTS = os.environ.get("OPSX_TEST_SCREENSHOTS")  # a folder, e.g. docs


def _browser() -> tuple[str, str] | None:
    binary = next((p for p in map(shutil.which, CHROMIUM) if p), None)
    driver = shutil.which("chromedriver")
    return (binary, driver) if binary and driver else None


@pytest.fixture(scope="session")
def driver():
    """One headless Chromium for the session; skipped when none is installed."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -r requirements-dev.txt)")
    found = _browser()
    if found is None:
        pytest.skip(
            "no browser: install Debian's chromium and chromium-driver "
            "(apt-get install chromium chromium-driver; .ci/run does)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(found[1]))
    browser.set_script_timeout(10)
    yield browser
    browser.quit()


@pytest.fixture
def emulator():
    """A started FCM emulator on a free port."""
    with FcmEmulator() as running:
        yield running


@pytest.fixture
def served(backend, app, emulator, monkeypatch):
    """The app on a loopback port with a running outbox worker; its base URL."""
    if backend != "sqlite":
        pytest.skip("browser tests run on SQLite; the API is tested on both")
    monkeypatch.setitem(app.config, "FCM_ENDPOINT", emulator.origin)
    # a refused push waits long before its retry: tests can see it still queued
    monkeypatch.setitem(app.config, "PUSH_BACKOFF_BASE_SECONDS", 600.0)
    worker = in_process_worker(app)
    working = threading.Thread(target=worker.run, daemon=True)
    working.start()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=httpd.serve_forever, daemon=True)
    serving.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    worker.stop()
    working.join(timeout=10)


@pytest.fixture
def console(driver, served, tmp_path) -> Console:
    """The console in the browser, on a fresh page of the served app."""
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    driver.delete_all_cookies()
    return Console(driver, served, folder)
