"""`make bench`: every benchmark, each against a baseline measured in the same run."""

import json
import sys

from bench import broadcast, prospect_pages, session_read
from bench.server import bench_database, gunicorn


def main() -> int:
    report = {}
    with bench_database() as url:
        print(f"database: {url.split('@')[-1].split('?')[0]}", flush=True)
        email, client_id = session_read.seed_user(url)
        with gunicorn(url) as port:
            report["session_read"] = read = session_read.run(port, email)
            print(
                "auth GET /auth/session vs bare GET /health: "
                f"{read['session_rps']} vs {read['bare_rps']} req/s, "
                f"ratio {read['ratio']} (target >= 0.5)",
                flush=True,
            )
            report["prospects"] = pages = prospect_pages.run(port, url, client_id)
            print(
                "GET /prospects?limit=50 at 100,000 rows vs bare: "
                f"{pages['list_rps']} vs {pages['bare_rps']} req/s, ratio "
                f"{pages['list_ratio']} (target >= 0.25); search "
                f"{pages['search_rps']} req/s under load; single-search p95 "
                f"{pages['search_single_p95_ms']} ms over {len(prospect_pages.TERMS)} "
                "terms (target < 50 ms); changes feed "
                f"{pages['changes_per_s']} changes/s, 10,000 in "
                f"{pages['catch_up_10k_s']} s",
                flush=True,
            )
    # A database of its own: the broadcast seeds 10,000 users and devices.
    with bench_database() as url:
        if url.startswith("sqlite"):
            print("broadcast: skipped (needs PostgreSQL for several workers)")
        else:
            report["broadcast"] = broadcast.bench(url)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
