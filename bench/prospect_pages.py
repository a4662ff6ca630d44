"""Prospect pages at 100,000 rows against the bare route, and the changes feed."""

import urllib.parse

from bench import load, prospects
from bench.session_read import login

QUERY = "lovelace 4"


def run(port: int, database_url: str, client_id, *, rounds: int = 3) -> dict:
    prospects.seed(database_url, client_id, count=100_000)
    token = login(port, "admin@bench.test", device_id="bench-admin")
    auth = {"Authorization": f"Bearer {token}"}
    search = "/api/v1/prospects?" + urllib.parse.urlencode({"limit": 50, "q": QUERY})
    results = load.interleaved(
        rounds,
        {
            "bare": ("127.0.0.1", port, "/api/v1/health", {}),
            "list": ("127.0.0.1", port, "/api/v1/prospects?limit=50", auth),
            "search": ("127.0.0.1", port, search, auth),
        },
        seconds=4.0,
    )
    for name, runs in results.items():
        if sum(r.errors for r in runs):
            raise RuntimeError(f"{name}: failed requests")
    bare = load.median_rps(results["bare"])
    report = {"bare_rps": round(bare, 1)}
    for name in ("list", "search"):
        rps = load.median_rps(results[name])
        report[f"{name}_rps"] = round(rps, 1)
        report[f"{name}_ratio"] = round(rps / bare, 3)
        p95 = max(r.percentile(0.95) for r in results[name])
        report[f"{name}_p95_ms"] = round(p95, 2)
    changes = prospects.measure_changes(f"http://127.0.0.1:{port}", token, seconds=5.0)
    report["changes_per_s"] = changes["changes_per_s"]
    report["catch_up_10k_s"] = changes["catch_up_10k_s"]
    return report
