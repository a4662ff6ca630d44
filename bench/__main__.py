"""`make bench`: every benchmark, each against a baseline measured in the same run."""

import json
import sys

from bench import session_read
from bench.server import bench_database, gunicorn


def main() -> int:
    report = {}
    with bench_database() as url:
        print(f"database: {url.split('@')[-1].split('?')[0]}", flush=True)
        email = session_read.seed_user(url)
        with gunicorn(url) as port:
            report["session_read"] = session_read.run(port, email)
            print(
                "auth GET /auth/session vs bare GET /health: "
                f"{report['session_read']['session_rps']} vs "
                f"{report['session_read']['bare_rps']} req/s, "
                f"ratio {report['session_read']['ratio']} (target >= 0.5)",
                flush=True,
            )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
