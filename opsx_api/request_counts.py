"""Requests per client per day, counted in-process and written in batches.

Authentication does not write on every request, and neither does counting: each
process adds to an in-memory counter and flushes it with one upsert statement
every `REQUEST_COUNT_FLUSH_SECONDS` or `REQUEST_COUNT_FLUSH_REQUESTS` requests,
whichever comes first, and once more when the process exits. A crash loses at
most one batch of counts: these are statistics, not billing records.
"""

import atexit
import logging
import os
import threading
import time
import uuid
from collections import Counter
from datetime import date

from flask import Flask, current_app, g
from sqlalchemy import inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from models import Client, ClientRequestCount
from opsx_api import db
from opsx_api.clock import utcnow

log = logging.getLogger("opsx.request_counts")
Key = tuple[uuid.UUID, date]


class RequestCounter:
    """One process's pending counts; thread-safe; forgets a parent's after fork."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[Key] = Counter()
        self._requests = 0
        self._last_flush = time.monotonic()
        self._pid = os.getpid()

    def add(self, client_id: uuid.UUID, day: date) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # A forked worker: the parent flushes its own counts.
                self._pending.clear()
                self._requests, self._pid = 0, os.getpid()
            self._pending[(client_id, day)] += 1
            self._requests += 1

    @property
    def has_pending(self) -> bool:
        with self._lock:
            return bool(self._pending) and self._pid == os.getpid()

    def due(self, every_seconds: float, every_requests: int) -> bool:
        with self._lock:
            if not self._pending:
                return False
            elapsed = time.monotonic() - self._last_flush
            return self._requests >= every_requests or elapsed >= every_seconds

    def take(self) -> Counter[Key]:
        """The pending counts, handed over to be written (the counter restarts)."""
        with self._lock:
            taken, self._pending = self._pending, Counter()
            self._requests, self._last_flush = 0, time.monotonic()
            return taken

    def give_back(self, counts: Counter[Key]) -> None:
        """Counts whose write failed, kept for the next flush."""
        with self._lock:
            self._pending.update(counts)

    def flush(self, connection: Connection) -> int:
        """Write the pending counts through `connection` (the caller commits)."""
        counts = self.take()
        if not counts:
            return 0
        try:
            write_counts(connection, counts)
        except Exception:
            self.give_back(counts)
            raise
        return sum(counts.values())


def write_counts(connection: Connection, counts: Counter[Key]) -> None:
    """One upsert adding `counts` to the stored rows (clients gone are skipped)."""
    ids = {client_id for client_id, _day in counts}
    known = set(connection.scalars(select(Client.id).where(Client.id.in_(ids))))
    # Sorted, so concurrent flushes from several processes lock rows in one order.
    rows = [
        {"client_id": client_id, "day": day, "count": n}
        for (client_id, day), n in sorted(counts.items())
        if client_id in known
    ]
    if not rows:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = ClientRequestCount.__table__
    stmt = insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.client_id, table.c.day],
        set_={"count": table.c.count + stmt.excluded["count"]},
    )
    connection.execute(stmt)


def counter() -> RequestCounter:
    """The current app's counter."""
    return current_app.extensions["opsx_request_counts"]


def flush_now() -> int:
    """Write this process's pending counts in a transaction of their own."""
    session = db.session()
    # Whatever a request left uncommitted is not meant to persist (services commit).
    session.rollback()
    written = counter().flush(session.connection())
    session.commit()
    return written


def init_app(app: Flask) -> None:
    """Count each request made on a client's account; flush in batches and at exit."""
    requests_counter = RequestCounter()
    app.extensions["opsx_request_counts"] = requests_counter
    atexit.register(flush_at_exit, requests_counter, app.extensions["opsx_db"].engine)

    @app.after_request
    def _count(response):
        identity = g.get("identity")
        if identity is not None and identity.client_id is not None:
            requests_counter.add(identity.client_id, utcnow().date())
        return response

    @app.teardown_request
    def _flush_when_due(_exc):
        config = app.config
        every = (
            config["REQUEST_COUNT_FLUSH_SECONDS"],
            config["REQUEST_COUNT_FLUSH_REQUESTS"],
        )
        if not requests_counter.due(*every):
            return
        try:
            flush_now()
        except Exception:
            db.session().rollback()
            log.warning("request counts not flushed; kept for the next try")


def flush_at_exit(requests_counter: RequestCounter, engine: Engine) -> None:
    """The last flush of a process (registered with atexit; skips a dropped schema)."""
    if not requests_counter.has_pending:
        return
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table(ClientRequestCount.__tablename__):
                requests_counter.flush(connection)
    except Exception:
        log.warning("request counts lost at exit", exc_info=True)
