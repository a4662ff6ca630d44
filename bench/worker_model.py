"""gunicorn worker models for OpsX, at 2 and 16 connections (wrk).

    python -m bench.worker_model [--seconds 8] [--rounds 2]

Each model serves the same database in turn (the others stopped); every case
is measured at 2 and at 16 keep-alive connections, in interleaved rounds, and
reported as median requests/s per model, case and connection count.
"""

import argparse
import json
import statistics
import sys

from bench import wrk
from bench.server import gunicorn_process, migrate, scratch_database
from bench.versus_parse import opsx_login, seed_opsx

# (name, worker class, workers, threads); the first is gunicorn.conf.py's.
MODELS = (
    ("gthread 2x2", "gthread", 2, 2),
    ("gthread 2x4", "gthread", 2, 4),
    ("gthread 3x2", "gthread", 3, 2),
    ("gthread 2x8", "gthread", 2, 8),
)
CONNECTIONS = (2, 16)


CASES = (("session", "/api/v1/auth/session"), ("page", "/api/v1/prospects?limit=50"))


def measure_model(url: str, model: tuple, seconds: float) -> dict[str, float]:
    """Requests/s of every case and connection count under one worker model."""
    name, kind, workers, threads = model
    out = {}
    options = {"workers": workers, "threads": threads, "worker_class": kind}
    with gunicorn_process(url, **options) as (port, _process):
        token = opsx_login(port, "admin@versus.test")
        auth = {"Authorization": f"Bearer {token}"}
        for case, path in CASES:
            for connections in CONNECTIONS:
                wrk.run(port, [path], headers=auth, seconds=1, connections=2)
                result = wrk.run(
                    port, [path], headers=auth, seconds=seconds, connections=connections
                )
                if result.errors:
                    raise RuntimeError(f"{name} {case}: {result.errors} errors")
                key = f"{case} c{connections} {name}"
                out[key] = result.rps
                print(f"{key}: {result.rps:.0f} req/s", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure; the last line printed is the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if not wrk.available():
        print("needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2
    rps: dict[str, list[float]] = {}
    with scratch_database("opsx_bench") as url:
        migrate(url)
        seed_opsx(url, args.count)
        for _ in range(args.rounds):
            for model in MODELS:
                for key, value in measure_model(url, model, args.seconds).items():
                    rps.setdefault(key, []).append(value)
    report = {key: round(statistics.median(values), 1) for key, values in rps.items()}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
