"""Prospects throughput: list, search and the changes feed over 100,000 prospects.

Self-contained (stdlib load generator, SQLAlchemy Core seeder), so any runner can
call it:

    seed(database_url, client_id)         # 100,000 prospects, bulk, in batches
    report = run(base_url, access_token)  # {"list": .., "search": .., "changes": ..}

`run` measures, each for `seconds` with `threads` keep-alive connections:
- `list`: GET /prospects?limit=50 (the first page, the app's home screen);
- `search`: GET /prospects?limit=50&q=<query> (literal, case-insensitive);
- `changes`: a phone catching up on 10,000 changes, following
  GET /prospects/changes?limit=500&since=... from the start, 20 requests a round.
Each part reports requests/s, p50/p95 latency in ms and the error count
(`changes` adds changes/s and the mean seconds a 10,000-change catch-up takes).

Standalone, against a migrated database (`flask db upgrade`):
    python -m bench.prospects --database-url postgresql://... [--base-url http://..]
It creates a client and an admin, seeds, serves the app in-process (werkzeug,
threaded) unless `--base-url` names a running server on the same database,
logs in through the API and prints the report as JSON.
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, text

from opsx_api.actor import Actor

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen"]
STATUSES = ["new", "contacted", "qualified", "won", "lost"]
PASSWORD = "bench-prospects-password-2026"
BULK_ROWS = 50_000


def seed(
    database_url: str,
    client_id: uuid.UUID,
    count: int = 100_000,
    *,
    batch_size: int = 5_000,
    assignees: tuple[uuid.UUID, ...] = (),
) -> int:
    """Insert `count` prospects for a client, `batch_size` rows a transaction.

    Each batch takes its change sequence numbers from the client's counter in
    the same transaction, exactly like the app, so the changes feed is valid.
    """
    from models import Prospect
    from opsx_api.config import normalise_database_url
    from opsx_api.services.prospects.sync import bump_statement

    engine = create_engine(normalise_database_url(database_url))
    start = datetime.now(timezone.utc) - timedelta(seconds=count)
    rebuild = _drop_trigram_indexes(engine) if count >= BULK_ROWS else []
    try:
        for offset in range(0, count, batch_size):
            size = min(batch_size, count - offset)
            with engine.begin() as conn:
                bump = bump_statement(client_id, size, engine.dialect.name)
                first_seq = conn.execute(bump).scalar_one() - size + 1
                rows = [
                    _row(client_id, offset + i, first_seq + i, start, assignees)
                    for i in range(size)
                ]
                conn.execute(insert(Prospect.__table__), rows)
        if rebuild:
            with engine.begin() as conn:
                conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
                for definition in rebuild:
                    conn.execute(text(definition))
        # Fresh planner statistics, as autovacuum would soon gather: without them
        # PostgreSQL guesses one match and walks the whole index for a search.
        with engine.begin() as conn:
            conn.execute(text("ANALYZE prospects" if _is_pg(engine) else "ANALYZE"))
    finally:
        engine.dispose()
    return count


def _drop_trigram_indexes(engine) -> list[str]:
    """Drop the GIN indexes for a bulk load; answers the DDL that rebuilds them.

    Building a GIN index once is several times faster than updating it row by
    row (a 1,000,000-row seed goes from ~10 to ~3 minutes here).
    """
    if not _is_pg(engine):
        return []
    with engine.begin() as conn:
        definitions = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'prospects' AND indexdef LIKE '% USING gin %'"
            )
        ).all()
        for name, _definition in definitions:
            conn.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in definitions]


def _is_pg(engine) -> bool:
    return engine.dialect.name == "postgresql"


def person(n: int) -> dict:
    """The n-th bench prospect's data (also what bench.parse_server seeds)."""
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    return {
        "name": f"{first} {last} {n}",
        "phone": f"+1 555 {n:07d}",
        "email": f"{first}.{last}.{n}@example.test".lower(),
        "address": f"{n} Bench Street",
        "lat": -60 + (n % 12_000) / 100,
        "lng": -170 + (n % 34_000) / 100,
        "status": STATUSES[n % len(STATUSES)],
        "external_id": f"B-{n}",
        "fields": {"segment": f"s{n % 7}", "score": n % 100},
    }


def _row(client_id, n: int, seq: int, start: datetime, assignees) -> dict:
    at = start + timedelta(seconds=n)
    return {
        "id": uuid.uuid4(),
        "client_id": client_id,
        **person(n),
        "assigned_to": assignees[n % len(assignees)] if assignees else None,
        "version": 1,
        "change_seq": seq,
        "created_by": None,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
        "erased_at": None,
    }


def run(
    base_url: str,
    token: str,
    *,
    threads: int = 4,
    seconds: float = 5.0,
    query: str = "lovelace 4",
    changes_total: int = 10_000,
    changes_limit: int = 500,
) -> dict:
    """Requests/s and latency of list, search and the changes feed."""
    target = _Target(base_url, token)
    search = urllib.parse.urlencode({"limit": 50, "q": query})
    report = {
        "list": _measure(target, threads, seconds, lambda c: c.get("?limit=50")),
        "search": _measure(target, threads, seconds, lambda c: c.get(f"?{search}")),
    }
    for part in report.values():
        del part["rounds"]

    report["changes"] = measure_changes(
        base_url,
        token,
        threads=threads,
        seconds=seconds,
        changes_total=changes_total,
        changes_limit=changes_limit,
    )
    return report


def measure_changes(
    base_url: str,
    token: str,
    *,
    threads: int = 4,
    seconds: float = 5.0,
    changes_total: int = 10_000,
    changes_limit: int = 500,
) -> dict:
    """Phones catching up on `changes_total` changes through the feed, in a loop."""
    target = _Target(base_url, token)

    def catch_up(conn):
        return _catch_up(conn, changes_total, changes_limit)

    changes = _measure(target, threads, seconds, catch_up)
    rounds = changes.pop("rounds")
    changes["changes_per_s"] = round(rounds * changes_total / changes["seconds"], 1)
    changes["catch_up_10k_s"] = round(changes["seconds"] * threads / max(rounds, 1), 3)
    return changes


class _Target:
    def __init__(self, base_url: str, token: str):
        url = urllib.parse.urlsplit(base_url)
        self.https = url.scheme == "https"
        self.host, self.port = url.hostname, url.port
        self.prefix = url.path.rstrip("/") + "/api/v1/prospects"
        self.headers = {"Authorization": f"Bearer {token}"}


class _Connection:
    """One keep-alive connection; `get` answers the JSON body, timing each call."""

    def __init__(self, target: _Target):
        kind = (
            http.client.HTTPSConnection if target.https else http.client.HTTPConnection
        )
        self.target, self.conn = target, kind(target.host, target.port, timeout=30)
        self.latencies: list[float] = []
        self.errors = 0

    def get(self, suffix: str):
        started = time.perf_counter()
        try:
            self.conn.request(
                "GET", self.target.prefix + suffix, headers=self.target.headers
            )
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.errors += 1
            self.conn.close()
            return None
        self.latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            self.errors += 1
            return None
        return json.loads(body)


def _catch_up(conn: _Connection, total: int, limit: int) -> bool:
    """Follow the feed from the start until `total` changes have arrived."""
    seen, since = 0, None
    while seen < total:
        query = {
            "limit": min(limit, total - seen),
            **({"since": since} if since else {}),
        }
        page = conn.get("/changes?" + urllib.parse.urlencode(query))
        if page is None:
            return False
        seen += len(page["changes"])
        since = page["next_cursor"]
        if not page["has_more"]:
            break
    return True


def _measure(target: _Target, threads: int, seconds: float, action) -> dict:
    """Run `action(connection)` in a loop on `threads` connections for `seconds`."""
    deadline = time.perf_counter() + seconds
    connections = [_Connection(target) for _ in range(threads)]
    rounds = [0] * threads

    def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            if action(connections[index]):
                rounds[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for c in connections for lat in c.latencies)
    for c in connections:
        c.conn.close()
    return {
        "requests": len(latencies),
        "errors": sum(c.errors for c in connections),
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95)], 2)
        if latencies
        else None,
        "rounds": sum(rounds),
    }


def main(argv: list[str] | None = None) -> int:
    """Seed a new client with 100,000 prospects, then measure (see the module doc)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--base-url", help="a running server on the same database")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    from opsx_api import create_app, db
    from opsx_api.services import clients

    app = create_app({"DATABASE_URL": args.database_url, "LOG_REQUESTS": False})
    email = f"bench-{uuid.uuid4().hex[:8]}@bench.test"
    with app.app_context(), db.unit_of_work():
        admin = {"email": email, "name": "Bench Admin", "password": PASSWORD}
        client = clients.create_client(
            name="Bench Prospects",
            device_policy="replace",
            admin=admin,
            actor=Actor.system(),
        )
    started = time.perf_counter()
    seed(args.database_url, client.id, args.count)
    print(f"seeded {args.count} prospects in {time.perf_counter() - started:.1f} s")
    server = None if args.base_url else _serve(app)
    base_url = args.base_url or f"http://127.0.0.1:{server.server_port}"
    try:
        token = _login(base_url, email)
        report = run(base_url, token, threads=args.threads, seconds=args.seconds)
    finally:
        if server is not None:
            server.shutdown()
    print(json.dumps(report, indent=2))
    return 1 if any(part["errors"] for part in report.values()) else 0


def _serve(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _login(base_url: str, email: str) -> str:
    url = urllib.parse.urlsplit(base_url)
    kind = (
        http.client.HTTPSConnection
        if url.scheme == "https"
        else http.client.HTTPConnection
    )
    conn = kind(url.hostname, url.port, timeout=30)
    body = {
        "email": email,
        "password": PASSWORD,
        "device": {"id": "bench-prospects", "platform": "android"},
    }
    conn.request(
        "POST",
        url.path.rstrip("/") + "/api/v1/auth/login",
        body=json.dumps(body),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    answer = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"login failed: {answer}")
    return answer["access_token"]


if __name__ == "__main__":
    sys.exit(main())
