"""Authenticated GET /auth/session against the bare /health route, same server."""

import json
import urllib.request

from bench import load
from bench.server import app_env, create_company

PASSWORD = "bench-user-password-2026"


def seed_user(database_url: str) -> tuple[str, object]:
    """A client with an admin and one member: (the member's email, client id)."""
    import os

    os.environ.update(app_env(database_url, OPSX_ARGON2_PROFILE="owasp"))
    from opsx_api import create_app, db

    app = create_app()
    with app.app_context():
        client = create_company(
            "Bench Co", "admin@bench.test", "member@bench.test", PASSWORD
        )
        db.get_db().dispose()
    return "member@bench.test", client.id


def login(port: int, email: str, device_id: str = "bench-phone") -> str:
    """An access token for `email` through the real login."""
    body = json.dumps(
        {
            "email": email,
            "password": PASSWORD,
            "device": {"id": device_id, "platform": "android"},
        }
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/auth/login",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def run(port: int, email: str, *, rounds: int = 3, seconds: float = 4.0) -> dict:
    token = login(port, email)
    auth = {"Authorization": f"Bearer {token}"}
    results = load.interleaved(
        rounds,
        {
            "bare": ("127.0.0.1", port, "/api/v1/health", {}),
            "session": ("127.0.0.1", port, "/api/v1/auth/session", auth),
        },
        seconds=seconds,
    )
    for name, runs in results.items():
        errors = sum(r.errors for r in runs)
        if errors:
            raise RuntimeError(f"{name}: {errors} failed requests")
    bare, session = (
        load.median_rps(results["bare"]),
        load.median_rps(results["session"]),
    )
    return {
        "bare_rps": round(bare, 1),
        "session_rps": round(session, 1),
        "ratio": round(session / bare, 3),
        "session_p95_ms": round(max(r.percentile(0.95) for r in results["session"]), 2),
    }
