"""`make run` on a fresh database: migrate, seed, serve API, worker and emulator."""

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str, *, data: bytes | None = None) -> dict:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def dev_env(tmp_path):
    return {
        **os.environ,
        "FLASK_APP": "wsgi",
        "OPSX_DATABASE_URL": f"sqlite:///{tmp_path}/dev.db",
        "OPSX_DEV_PORT": str(free_port()),
        "OPSX_DEV_FCM_PORT": str(free_port()),
        "OPSX_ARGON2_PROFILE": "test",
        "OPSX_SECRET_KEY": "dev-run-test-secret-0123456789abcdef",
        "OPSX_JWT_KEYS": "d=dev-run-test-jwt-key-0123456789abcdef",
    }


def test_make_run_serves_the_seeded_api_with_its_docs(dev_env):
    flask = [sys.executable, "-m", "flask"]
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + step, cwd=ROOT, env=dev_env, check=True, timeout=60)
    server = subprocess.Popen(
        [sys.executable, "-m", "opsx_api.devserver"],
        cwd=ROOT,
        env=dev_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{dev_env['OPSX_DEV_PORT']}/api/v1"
    try:
        # The banner comes once everything listens (the devserver's own bound is
        # 90 s): from then on the API and the emulator answer at the first try.
        # (The worker shares this stdout and may print emails before it.)
        banner = next(
            (line for line in server.stdout if line.startswith("OpsX on http://")),
            None,
        )
        assert banner, "make run stopped without its banner"
        threading.Thread(target=server.stdout.read, daemon=True).start()  # drain
        assert _get(f"{base}/health") == {"status": "ok"}
        spec = _get(f"{base}/swagger.json")
        assert "/auth/login" in spec["paths"] and "/admin/users" in spec["paths"]
        with urllib.request.urlopen(f"{base}/docs", timeout=5) as docs:
            assert docs.status == 200
        login = _get(
            f"{base}/auth/login",
            data=json.dumps(
                {
                    "email": "field@demo.opsx.test",
                    "password": "demo-password-for-opsx",
                    "device": {"id": "demo-phone", "platform": "android"},
                }
            ).encode(),
        )
        assert login["user"]["client"]["name"] == "Demo Field Co"
        emulator = f"http://127.0.0.1:{dev_env['OPSX_DEV_FCM_PORT']}/emulator/messages"
        assert "messages" in _get(emulator)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
