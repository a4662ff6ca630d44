"""/metrics: Prometheus text, behind OPSX_METRICS_TOKEN; what an operator watches."""

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from opsx_api.delivery.command import serve_worker_metrics
from tests.accounts.helpers import invite
from tests.factories import PASSWORD, assert_error
from tests.live import free_port

TOKEN = "metrics-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def scrape(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def read() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", headers=AUTH)
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        return samples(response.get_data(as_text=True))

    return read


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scraped, name: str, **labels) -> float:
    return scraped.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_without_a_token_and_refuse_a_wrong_one(
    app, client, monkeypatch
):
    assert_error(client.get("/metrics"), 404, "not_found")
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        refused = client.get("/metrics", headers=headers)
        assert_error(refused, 401, "unauthorized")
        assert "opsx_" not in refused.get_data(as_text=True)


def test_a_request_shows_in_the_latency_histogram(client, scrape):
    count = "opsx_http_request_duration_seconds_count"
    labels = {"route": "/api/v1/health", "method": "GET", "status": "200"}
    before = value(scrape(), count, **labels)
    assert client.get("/api/v1/health").status_code == 200
    after = scrape()
    assert value(after, count, **labels) == before + 1
    bucket = {**labels, "le": "+Inf"}
    assert value(after, "opsx_http_request_duration_seconds_bucket", **bucket) >= 1
    # A route template, not the path: ids do not make a label per row.
    assert client.get("/api/v1/admin/users/00000000-0000-4000-8000-000000000000")
    routes = {dict(k[1]).get("route") for k in scrape()}
    assert "/api/v1/admin/users/<uuid:user_id>" in routes


def test_failed_logins_and_throttles_are_counted(
    app, client, factory, scrape, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_ACCOUNT", 1)
    user = factory.company(members=1).member
    before = scrape()
    body = {"email": user.email, "password": "wrong-" + PASSWORD}
    body["device"] = {"id": "d1", "platform": "android"}
    assert client.post("/api/v1/auth/login", json=body).status_code == 401
    assert client.post("/api/v1/auth/login", json=body).status_code == 429
    after = scrape()
    failed = "opsx_failed_logins_total"
    assert value(after, failed) == value(before, failed) + 1
    throttled = "opsx_throttled_total"
    assert value(after, throttled, throttle="login") == (
        value(before, throttled, throttle="login") + 1
    )


def test_outbox_depth_age_and_email_outcomes(
    client, factory, scrape, send_mail, mailbox
):
    assert invite(client, factory.company().admin_login).status_code == 201
    queued = scrape()
    where = {"channel": "email", "kind": "invitation"}
    assert value(queued, "opsx_outbox_depth", **where) == 1
    assert value(queued, "opsx_outbox_oldest_age_seconds", **where) >= 0
    sent = "opsx_delivery_outcomes_total"
    before = value(queued, sent, channel="email", outcome="sent")
    send_mail()
    after = scrape()
    assert value(after, "opsx_outbox_depth", **where) == 0
    assert value(after, sent, channel="email", outcome="sent") == before + 1


def test_the_worker_serves_its_own_on_loopback():
    port = free_port()
    serve_worker_metrics(port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    assert "opsx_delivery_outcomes_total" in text
