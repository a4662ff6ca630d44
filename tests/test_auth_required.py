"""Protected by default: every route but the public ones answers 401 without a token."""

import re

from tests.factories import assert_error

PUBLIC = {
    "/api/v1/",
    "/api/v1/health",
    "/api/v1/ready",
    "/api/v1/docs",
    "/api/v1/swagger.json",
    "/api/v1/openapi.json",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/password",  # the emailed link's token is the credential
    "/api/v1/auth/password-reset",
    "/api/v1/auth/email-confirmation",
    "/api/v1/newsletter/subscriptions",  # double opt-in: the link confirms
    "/api/v1/newsletter/confirmation",  # the emailed link's signed token
    "/api/v1/newsletter/unsubscribe",  # the signed one-click link, no login
    "/api/v1/referrals/removal",  # the friend has no account
}
SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


def test_every_non_public_route_needs_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in PUBLIC:
            continue
        path = re.sub(r"<[^>]+>", SAMPLE_ID, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={})
            assert_error(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            checked += 1
    assert checked >= 40  # the whole API (44 today), not an empty route table
