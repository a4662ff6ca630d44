"""The prospects benchmark: its seeder writes a valid feed, its load generator runs."""

import threading

import pytest
from werkzeug.serving import make_server

from bench import prospects as bench
from tests.prospects.conftest import API


@pytest.fixture
def server(app):
    """The app on a real loopback socket, in a thread."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_seeded_prospects_are_listed_and_in_the_feed(app, client, tenant):
    url = app.config["DATABASE_URL"]
    assert bench.seed(url, tenant.company.id, 45, batch_size=20) == 45
    page = client.get(API, query_string={"limit": 100}, headers=tenant.member_headers)
    assert len(page.get_json()["data"]) == 45
    feed = client.get(f"{API}/changes", headers=tenant.member_headers).get_json()
    assert len(feed["changes"]) == 45
    created = client.post(API, json={"name": "After"}, headers=tenant.member_headers)
    assert created.status_code == 201
    query = {"since": feed["next_cursor"]}
    after = client.get(
        f"{API}/changes", query_string=query, headers=tenant.member_headers
    )
    assert [c["prospect"]["name"] for c in after.get_json()["changes"]] == ["After"]


def test_run_measures_list_search_and_changes(app, tenant, server):
    bench.seed(app.config["DATABASE_URL"], tenant.company.id, 30)
    token = tenant.member_headers["Authorization"].split()[1]
    report = bench.run(
        server, token, threads=2, seconds=0.3, changes_total=30, changes_limit=10
    )
    assert set(report) == {"list", "search", "changes"}
    for part in report.values():
        assert part["errors"] == 0 and part["requests"] > 0 and part["rps"] > 0
    assert report["changes"]["changes_per_s"] > 0
