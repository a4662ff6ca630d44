"""`make bench-parse`: OpsX against Parse Server 9.10 (`--cluster 2`), side by side.

Both get the same prospects (bench.prospects._row / bench.parse_server._object:
the same names, phones and emails) at the same size in one tenant, and search
the same fields (name, phone, email) with the same meaning: a case-insensitive
substring from three characters, a word start below (Parse: a regex). OpsX
runs from its own gunicorn.conf.py (2 gthread workers x 2 threads).

Cases, each measured with wrk (bench/wrk.py) on each server in turn, in
rounds, the other server stopped (SIGSTOP) so it uses no CPU meanwhile; the
order of the two alternates from round to round. An unrecorded first round
(`--warm-up` seconds per case and side) comes before them: Parse speeds up by
a third over its first minutes under load (Node's JIT), which made round 1
flatter OpsX. Every line printed is the
ratio OpsX / Parse of requests per second in that round; the last line is one
JSON object with the median ratio of each case and the worst term's
single-connection search p95 at `--count` and `--large` prospects (OpsX).

Caveat printed beside the figures: Parse caches sessions for ~5 s, so a
deleted session keeps working there; OpsX checks the session row on every
request. The `_Session` rows a Parse login run creates are deleted after it.
"""

import argparse
import http.client
import json
import math
import os
import signal
import statistics
import sys
import time
import urllib.parse

import psycopg2

from bench import parse_server, prospects, wrk
from bench.prospect_pages import TERMS
from bench.server import app_env, gunicorn_process, migrate, scratch_database

CASES = (
    "session_read",
    "page_newest",
    "page_middle",
    "search_common",
    "search_rare",
    "search_short",
    "login",
)
COMMON, RARE, SHORT = "ada", "turing 12", "zz"
LATENCY_TERMS = [*TERMS, "a", "k", "lo", "12", "q"]
LOGIN_USERS = 8
PASSWORD = "bench-versus-parse-2026"


def seed_opsx(url: str, count: int) -> dict:
    """A client with an admin, LOGIN_USERS members and `count` prospects."""
    os.environ.update(app_env(url, OPSX_ARGON2_PROFILE="owasp"))
    from opsx_api import create_app, db
    from opsx_api.actor import Actor
    from opsx_api.services import clients, users

    app = create_app()
    with app.app_context(), db.unit_of_work():
        client = clients.create_client(
            name="Versus Co",
            device_policy="replace",
            admin={"email": "admin@versus.test", "name": "Admin", "password": PASSWORD},
            actor=Actor.system(),
        )
        for n in range(LOGIN_USERS):
            users.create_user(
                client=client,
                email=f"field{n}@versus.test",
                name=f"Field {n}",
                role="member",
                password=PASSWORD,
                actor=Actor.system(),
            )
    with app.app_context():
        db.get_db().dispose()
    prospects.seed(url, client.id, count)
    middle = _middle_cursor(url, client.id, count)
    return {"client_id": client.id, "middle_cursor": middle}


def _middle_cursor(url: str, client_id, count: int) -> str:
    from opsx_api.pagination import encode_cursor

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT created_at, id FROM prospects "
            "WHERE client_id = %s AND external_id = %s",
            (str(client_id), f"B-{count // 2}"),
        )
        created_at, row_id = cur.fetchone()
    return encode_cursor((created_at, row_id))


def seed_parse(url: str, count: int) -> None:
    """Schema and users with one process, then the prospects with the cluster."""
    with parse_server.serve(url) as (parse, _process):
        parse_server.create_schema(parse)
        for n in range(LOGIN_USERS + 1):
            parse_server.sign_up(parse, f"user{n}")
    with parse_server.serve(url, cluster=2) as (parse, _process):
        parse_server.seed(parse, count)


def vacuum(url: str) -> None:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()


def opsx_login(port: int, email: str, device: str = "versus-reader") -> str:
    body = json.dumps(
        {
            "email": email,
            "password": PASSWORD,
            "device": {"id": device, "platform": "android"},
        }
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"OpsX login: {answer}")
    return answer["access_token"]


def _opsx_search(term: str) -> str:
    return "/api/v1/prospects?" + urllib.parse.urlencode({"limit": 50, "q": term})


def _parse_search(term: str) -> dict:
    if len(term) <= 2:  # a word start, as OpsX reads one or two characters
        pattern = f"(^|[^[:alnum:]]){term}"
    else:
        pattern = "".join(
            "\\" + ch if not ch.isalnum() and ch != " " else ch for ch in term
        )
    fields = ("name", "phone", "email")
    regex = [{field: {"$regex": pattern, "$options": "i"}} for field in fields]
    return {"tenantId": parse_server.TENANT, "$or": regex}


def requests_of(case: str, opsx: dict, count: int) -> tuple[dict, dict]:
    """wrk arguments for OpsX and for Parse in one case."""
    auth = {"Authorization": f"Bearer {opsx['token']}"}
    page = "/api/v1/prospects?limit=50"
    tenant = {"tenantId": parse_server.TENANT}
    if case == "session_read":
        return {"paths": ["/api/v1/auth/session"], "headers": auth}, {
            "paths": ["/parse/users/me"]
        }
    if case == "page_newest":
        return {"paths": [page], "headers": auth}, {
            "paths": [parse_server.query_path(tenant)]
        }
    if case == "page_middle":
        cursor = urllib.parse.urlencode({"cursor": opsx["middle_cursor"]})
        middle = tenant | {"seq": {"$lt": count // 2}}
        return {"paths": [f"{page}&{cursor}"], "headers": auth}, {
            "paths": [parse_server.query_path(middle)]
        }
    if case.startswith("search_"):
        term = {"search_common": COMMON, "search_rare": RARE, "search_short": SHORT}[
            case
        ]
        return {"paths": [_opsx_search(term)], "headers": auth}, {
            "paths": [parse_server.query_path(_parse_search(term))]
        }
    bodies = [
        json.dumps(
            {
                "email": f"field{n}@versus.test",
                "password": PASSWORD,
                "device": {"id": f"versus-phone-{n}", "platform": "android"},
            }
        )
        for n in range(LOGIN_USERS)
    ]
    opsx_login_args = {
        "paths": ["/api/v1/auth/login"],
        "method": "POST",
        "bodies": bodies,
        "headers": {"Content-Type": "application/json"},
    }
    parse_paths = [parse_server.login_path(f"user{n + 1}") for n in range(LOGIN_USERS)]
    return opsx_login_args, {"paths": parse_paths}


class Side:
    """One server under test: its port, process group and extra headers."""

    def __init__(self, name: str, port: int, process, headers: dict | None = None):
        self.name, self.port, self.process = name, port, process
        self.headers = headers or {}

    def pause(self) -> None:
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def measure(self, args: dict, seconds: float, connections: int) -> wrk.Result:
        def load(duration: float) -> wrk.Result:
            return wrk.run(
                self.port,
                args["paths"],
                headers=self.headers | args.get("headers", {}),
                method=args.get("method", "GET"),
                bodies=args.get("bodies", []),
                seconds=duration,
                connections=connections,
            )

        load(1)  # warm-up: connections, caches, Node's JIT
        result = load(seconds)
        if result.errors:
            raise RuntimeError(f"{self.name}: {result.errors} failed requests")
        if not result.requests:
            raise RuntimeError(f"{self.name}: nothing answered; raise --seconds")
        return result


def delete_parse_sessions(url: str, keep: str) -> int:
    """Drop the `_Session` rows a login run created (Parse has no index there)."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute('DELETE FROM "_Session" WHERE "sessionToken" <> %s', (keep,))
        return cur.rowcount


def search_latency(port: int, token: str, *, samples: int = 20) -> dict:
    """Per term, the single-connection p95 (nearest rank) over `samples` searches."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    auth = {"Authorization": f"Bearer {token}"}
    times: dict[str, list[float]] = {term: [] for term in LATENCY_TERMS}
    for _ in range(samples):
        for term in LATENCY_TERMS:
            started = time.perf_counter()
            conn.request("GET", _opsx_search(term), headers=auth)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"search {term!r}: HTTP {response.status}")
            times[term].append((time.perf_counter() - started) * 1000)
    conn.close()
    rank = math.ceil(0.95 * samples) - 1
    return {term: round(sorted(values)[rank], 1) for term, values in times.items()}


def _took(what: str, started: float) -> None:
    print(f"{what}, {time.perf_counter() - started:.0f} s", flush=True)


def run_case(
    sides: dict, order: list[str], case: str, opsx: dict, args, seconds: float
) -> dict[str, wrk.Result]:
    """One case on each server in `order`, the other one stopped meanwhile."""
    opsx_args, parse_args = requests_of(case, opsx, args.count)
    results = {}
    for name in order:
        other = sides["parse" if name == "opsx" else "opsx"]
        other.pause()
        try:
            results[name] = sides[name].measure(
                opsx_args if name == "opsx" else parse_args,
                seconds,
                args.connections,
            )
        finally:
            other.resume()
    return results


def compare(args) -> dict:
    ratios: dict[str, list[float]] = {case: [] for case in CASES}
    with (
        scratch_database("opsx_bench") as opsx_url,
        scratch_database("parse_bench") as parse_url,
    ):
        started = time.perf_counter()
        migrate(opsx_url)
        opsx = seed_opsx(opsx_url, args.count)
        _took(f"OpsX seeded: {args.count} prospects", started)
        started = time.perf_counter()
        seed_parse(parse_url, args.count)
        _took(f"Parse seeded: {args.count} objects", started)
        vacuum(opsx_url)
        vacuum(parse_url)
        with (
            gunicorn_process(opsx_url) as (port, process),
            parse_server.serve(parse_url, cluster=2) as (parse, parse_process),
        ):
            parse.session_token = parse_server.call_login(parse, "user0")
            sides = {
                "opsx": Side("OpsX", port, process),
                "parse": Side("Parse", parse.port, parse_process, parse.headers()),
            }
            opsx["token"] = opsx_login(port, "admin@versus.test")
            for case in CASES:  # unrecorded: Parse's JIT, both servers' caches
                run_case(sides, ["opsx", "parse"], case, opsx, args, args.warm_up)
                if case == "login":
                    delete_parse_sessions(parse_url, parse.session_token)
            print(f"warm-up round done ({args.warm_up:g} s per case)", flush=True)
            for round_number in range(args.rounds):
                opsx["token"] = opsx_login(port, "admin@versus.test")
                order = (
                    ["opsx", "parse"] if round_number % 2 == 0 else ["parse", "opsx"]
                )
                for case in CASES:
                    results = run_case(sides, order, case, opsx, args, args.seconds)
                    if case == "login":
                        delete_parse_sessions(parse_url, parse.session_token)
                    ratio = results["opsx"].rps / results["parse"].rps
                    ratios[case].append(ratio)
                    mine, theirs = results["opsx"], results["parse"]
                    print(
                        f"round {round_number + 1} {case}: OpsX {mine.rps:.0f} req/s "
                        f"(p50 {mine.p50_ms:.1f} ms), Parse {theirs.rps:.0f} req/s "
                        f"(p50 {theirs.p50_ms:.1f} ms), ratio {ratio:.2f}",
                        flush=True,
                    )
            sides["parse"].pause()
            try:
                latency = search_latency(port, opsx_login(port, "admin@versus.test"))
            finally:
                sides["parse"].resume()
    print(f"search p95 by term at {args.count}: {json.dumps(latency)}", flush=True)
    report = {
        case: round(statistics.median(values), 2) for case, values in ratios.items()
    }
    report["search_p95_ms_100k"] = max(latency.values())
    return report


def large_latency(size: int) -> float | None:
    """The worst term's single-connection p95 with `size` prospects (OpsX only)."""
    if not size:
        return None
    with scratch_database("opsx_bench") as url:
        started = time.perf_counter()
        migrate(url)
        seed_opsx(url, size)
        vacuum(url)
        _took(f"OpsX seeded: {size} prospects", started)
        with gunicorn_process(url) as (port, _process):
            latency = search_latency(port, opsx_login(port, "admin@versus.test"))
    print(f"search p95 by term at {size}: {json.dumps(latency)}", flush=True)
    return max(latency.values())


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; the last line printed is the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--count", type=int, default=100_000, help="prospects, both sides"
    )
    parser.add_argument(
        "--large", type=int, default=1_000_000, help="OpsX-only latency size (0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--seconds", type=float, default=10, help="per case and side (max 20)"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--warm-up",
        type=float,
        default=5,
        help="seconds per case and side of an unrecorded first round",
    )
    args = parser.parse_args(argv)
    if not wrk.available():
        print("bench-parse needs wrk: apt-get install -y wrk", file=sys.stderr)
        return 2
    # gunicorn's arbiter kills workers that look silent for `timeout` (30 s):
    # a side stays paused for one measurement of the other only.
    args.seconds = min(args.seconds, 20)
    parse_server.install()
    report = compare(args)
    report["search_p95_ms_1m"] = large_latency(args.large)
    print(
        "Parse caches sessions ~5 s (a deleted session keeps working there); "
        "OpsX reads the session row on every request.",
        flush=True,
    )
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
