"""Under gunicorn with PROMETHEUS_MULTIPROC_DIR, a scrape sums every worker."""

import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.live import gunicorn, migrate

TOKEN = "metrics-token-0123456789abcdef"


# Counted on /ready: the start-up probe (tests.live) polls /health, and with
# one socket per worker (reuse_port) a probe queued on a booting worker can be
# answered after the count below began.
ROUTE = "/api/v1/ready"


def _ready_count(port: int) -> float:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        text = response.read().decode()
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "opsx_http_request_duration_seconds_count"
        and s.labels.get("route") == ROUTE
    )


def test_every_worker_s_requests_are_in_each_scrape(tmp_path):
    url = f"sqlite:///{tmp_path}/metrics.db"
    migrate(url)
    shared = tmp_path / "prometheus"
    shared.mkdir()
    with gunicorn(
        url,
        workers=2,
        threads=2,
        PROMETHEUS_MULTIPROC_DIR=str(shared),
        OPSX_METRICS_TOKEN=TOKEN,
    ) as port:
        before = _ready_count(port)
        for _ in range(30):
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}{ROUTE}", timeout=5
            ) as response:
                assert response.status == 200
        # Whichever worker answers the scrape, it counts the other's too.
        assert [_ready_count(port) - before for _ in range(4)] == [30.0] * 4
    assert any(shared.iterdir())  # the per-process files the sum is made of
