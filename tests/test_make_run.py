"""`make run` on a fresh database: migrate, seed, serve API, worker and emulator."""

import json
import urllib.request

import pytest

from tests.live import dev_env, make_run


def _get(url: str, *, data: bytes | None = None) -> dict:
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def env(tmp_path):
    """`make run`'s environment on a fresh database and free ports."""
    return dev_env(tmp_path)


def test_make_run_serves_the_seeded_api_with_its_docs(env):
    with make_run(env) as base:
        spec = _get(f"{base}/swagger.json")
        assert "/auth/login" in spec["paths"] and "/admin/users" in spec["paths"]
        assert _get(f"{base}/openapi.json")["openapi"] == "3.1.0"
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
        emulator = f"http://127.0.0.1:{env['OPSX_DEV_FCM_PORT']}/emulator/messages"
        assert "messages" in _get(emulator)
