"""Prospect pages at 100,000 rows against the bare route, and the changes feed."""

import http.client
import statistics
import time
import urllib.parse

from bench import load, prospects
from bench.session_read import login

QUERY = "lovelace 4"
# What field users type: name parts, an email fragment, phone digits, misses.
TERMS = [
    "ada",
    "grace hop",
    "turing 12",
    "knuth 7",
    "lovelace 4",
    "liskov",
    "edsger.dijkstra.5",
    "555 0012",
    "0000",
    "@example",
    "nobody",
    "zz",
]


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
    report.update(search_latency(port, auth))
    changes = prospects.measure_changes(f"http://127.0.0.1:{port}", token, seconds=5.0)
    report["changes_per_s"] = changes["changes_per_s"]
    report["catch_up_10k_s"] = changes["catch_up_10k_s"]
    return report


def search_latency(port: int, auth: dict, *, rounds: int = 5) -> dict:
    """Latency of single searches (one connection, no queueing) over TERMS."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for _ in range(rounds):
        for term in TERMS:
            query = urllib.parse.urlencode({"limit": 50, "q": term})
            started = time.perf_counter()
            conn.request("GET", f"/api/v1/prospects?{query}", headers=auth)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"search {term!r}: HTTP {response.status}")
            latencies.append((time.perf_counter() - started) * 1000)
    conn.close()
    latencies.sort()
    return {
        "search_single_p50_ms": round(statistics.median(latencies), 2),
        "search_single_p95_ms": round(latencies[int(len(latencies) * 0.95)], 2),
        "search_single_max_ms": round(latencies[-1], 2),
    }
