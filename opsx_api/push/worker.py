"""`flask worker`: deliver the push outbox through FCM.

The main thread claims due pushes in small batches (`claim.py`) and hands them to
a bounded thread pool that shares one `HardenedFCM`; each thread sends one push
and records its outcome (`outcome.py`). Any number of workers may run side by
side: they coordinate only through `FOR UPDATE SKIP LOCKED` and leases. SIGTERM
stops claiming, finishes the sends in flight and hands back the rest.
"""

import gc
import logging
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from opsx_api.push import claim
from opsx_api.push.fcm_client import HardenedFCM, SendResult, build_fcm_client
from opsx_api.push.outcome import RetryPolicy
from opsx_api.push.payload import message_for
from opsx_api.push.recorder import Recorder

log = logging.getLogger("opsx.worker")
_ALERT_EVERY = 60.0  # seconds between repeated alerts of one configuration fault
# A push that waited this long after its claim is checked again before sending.
RECHECK_AFTER_SECONDS = 0.5


@dataclass(frozen=True)
class WorkerSettings:
    """The worker's knobs, read from `OPSX_` settings (see docs/decisions/push.md)."""

    threads: int = 16
    batch: int = 64
    poll_seconds: float = 1.0
    lease_seconds: float = 60.0
    idle_days: int = 30
    policy: RetryPolicy = RetryPolicy()

    @classmethod
    def from_config(cls, config: dict[str, Any], **overrides: Any) -> "WorkerSettings":
        values: dict[str, Any] = {
            "threads": max(1, config["WORKER_THREADS"]),
            "batch": max(1, config["WORKER_BATCH"]),
            "poll_seconds": max(0.01, config["WORKER_POLL_SECONDS"]),
            "lease_seconds": max(1, config["PUSH_LEASE_SECONDS"]),
            "idle_days": config["SESSION_IDLE_DAYS"],
            "policy": RetryPolicy(
                max_attempts=max(1, config["PUSH_MAX_ATTEMPTS"]),
                backoff_base=config["PUSH_BACKOFF_BASE_SECONDS"],
                backoff_max=config["PUSH_BACKOFF_MAX_SECONDS"],
                config_error_backoff=config["PUSH_CONFIG_ERROR_BACKOFF_SECONDS"],
            ),
        }
        return cls(**{**values, **overrides})


class Worker:
    """Claims, sends and records pushes until stopped (or, once, until idle)."""

    def __init__(self, engine: Engine, fcm: HardenedFCM, settings: WorkerSettings):
        self.engine = engine
        self.fcm = fcm
        self.settings = settings
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._pending: dict[uuid.UUID, tuple[Future, claim.Job]] = {}
        self._alerted: dict[str, float] = {}
        self._dead_tokens: set[str] = set()
        self._recorder = Recorder(engine, settings.policy, on_written=self._written)

    @property
    def stats(self) -> Counter[str]:
        """How many pushes ended in each status during this worker's run."""
        return self._recorder.stats

    def stop(self) -> None:
        """Claim nothing more; `run` returns once the sends in flight finish."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()

    def run(self, *, once: bool = False) -> Counter[str]:
        """Deliver until `stop()`; with `once`, until nothing is due. The tallies."""
        self._recorder.start()
        pool = ThreadPoolExecutor(self.settings.threads, thread_name_prefix="push")
        try:
            self._loop(pool, once)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._release([job for f, job in self._pending.values() if f.cancelled()])
            self._recorder.close()
        return self.stats

    def _loop(self, pool: ThreadPoolExecutor, once: bool) -> None:
        threads, poll = self.settings.threads, self.settings.poll_seconds
        while not self._stopping.is_set():
            with self._changed:
                # Claim only when a sending thread is about to be free, so a claimed
                # push waits little between its checks and its send.
                self._changed.wait_for(
                    lambda: len(self._pending) < threads or self._stopping.is_set()
                )
            if self._stopping.is_set():
                return
            jobs = self._claim()
            for job in jobs:
                with self._changed:
                    self._pending[job.id] = (pool.submit(self._deliver, job), job)
            if jobs:
                continue
            with self._changed:
                if once and not self._pending:
                    return
                # Nothing due: look again after the poll interval (or, for --once,
                # as soon as the last send in flight has finished).
                self._changed.wait(poll)

    def _claim(self) -> list[claim.Job]:
        try:
            return claim.claim_due(
                self.engine,
                self.settings.batch,
                lease_seconds=self.settings.lease_seconds,
                idle_days=self.settings.idle_days,
            )
        except SQLAlchemyError as exc:
            # The database is away: say so, wait, and try again; nothing is lost.
            _log(logging.ERROR, "worker.claim_failed", error=type(exc).__name__)
            self._stopping.wait(self.settings.poll_seconds)
            return []

    def _deliver(self, job: claim.Job) -> None:
        try:
            if not self._still_wanted(job):
                return
            result = self._send(job)
            if result.outcome == "invalid_token":
                if len(self._dead_tokens) >= 10_000:  # only the recent ones matter
                    self._dead_tokens.clear()
                self._dead_tokens.add(job.token)
            elif result.outcome == "config_error":
                self._alert(result)
            self._recorder.put(job, result)
        finally:
            with self._changed:
                self._pending.pop(job.id, None)
                # Wake the claimer only when it has something to do: a thread
                # became free for it, or (for --once) the last send finished.
                if len(self._pending) in (self.settings.threads - 1, 0):
                    self._changed.notify_all()

    def _send(self, job: claim.Job) -> SendResult:
        if job.token in self._dead_tokens:
            # Another thread just learned this token is dead; its outcome may not
            # be written yet, so this push was still claimable. Do not send.
            return SendResult("invalid_token", detail="token found dead just before")
        try:
            return self.fcm.send(job.token, **message_for(job))
        except (TypeError, ValueError) as exc:  # a payload FCM would refuse
            return SendResult("failed", detail=f"{type(exc).__name__}: {exc}")

    def _still_wanted(self, job: claim.Job) -> bool:
        """Re-check a push that waited since its claim (FCM slow, pool busy)."""
        waited = time.monotonic() - job.claimed_at
        if waited < RECHECK_AFTER_SECONDS:
            return True
        if waited > self.settings.lease_seconds - self.fcm.timeout - 1:
            # The lease may run out mid-send and another worker take the push:
            # hand it back instead of risking a double send.
            self._release([job])
            return False
        try:
            return claim.recheck(self.engine, job, idle_days=self.settings.idle_days)
        except SQLAlchemyError:
            return False  # not sent now; the lease runs out and it is tried again

    def _written(self, items: list, statuses: list) -> None:
        for (job, result), status in zip(items, statuses, strict=True):
            if status in ("invalid_token", "failed"):
                _log(logging.INFO, f"push.{status}", id=job.id, error=result.error_code)

    def _alert(self, result: SendResult) -> None:
        """An ERROR line for a configuration fault, at most once a minute per kind."""
        key = result.error_code or str(result.http_status)
        with self._changed:
            now = time.monotonic()
            if now - self._alerted.get(key, -_ALERT_EVERY) < _ALERT_EVERY:
                return
            self._alerted[key] = now
        _log(
            logging.ERROR,
            "fcm.configuration_fault",
            error_code=result.error_code,
            http_status=result.http_status,
            detail=result.detail,
            hint="check OPSX_FCM_CREDENTIALS, OPSX_FCM_PROJECT_ID, OPSX_FCM_ENDPOINT",
        )

    def _release(self, jobs: list[claim.Job]) -> None:
        try:
            claim.release(self.engine, jobs)
        except SQLAlchemyError:  # the leases run out instead
            log.warning("could not hand back %d claimed pushes", len(jobs))


def _log(level: int, event: str, **fields: Any) -> None:
    log.log(level, event, extra={"payload": {"event": event, **fields}})


def build_worker(app: Flask, engine: Engine | None = None, **overrides: Any) -> Worker:
    """A worker configured from `app.config`; ValueError for a bad FCM setup."""
    from opsx_api.db import Database

    config = app.config
    settings = WorkerSettings.from_config(config, **overrides)
    fcm = build_fcm_client(
        config["FCM_PROJECT_ID"],
        config["FCM_ENDPOINT"],
        config["FCM_CREDENTIALS"],
        timeout=config["FCM_TIMEOUT"],
        pool_size=settings.threads,
    )
    if engine is None:
        # Its own pool, sized for the worker rather than for the API.
        # No pre-ping (a round trip per checkout): a dropped connection fails one
        # claim or write, which the loop survives, and the pool then reconnects.
        url = config["DATABASE_URL"]
        options: dict[str, Any] = {"pool_size": 4, "max_overflow": settings.threads}
        if url.startswith("sqlite"):
            options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = Database(url, **options).engine
    return Worker(engine, fcm, settings)


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver queued pushes through FCM until stopped.

    Run as many as the volume needs, on any machines: they share the work through
    the database. SIGTERM or Ctrl-C stops claiming, finishes the sends in flight
    and exits. Settings: OPSX_WORKER_THREADS, OPSX_WORKER_BATCH, OPSX_FCM_TIMEOUT,
    OPSX_PUSH_MAX_ATTEMPTS, OPSX_PUSH_LEASE_SECONDS (see the README).
    """
    try:
        worker = build_worker(current_app)
    except ValueError as exc:
        raise click.ClickException(f"FCM configuration: {exc}") from None

    def on_signal(signum: int, _frame: Any) -> None:
        _log(logging.INFO, "worker.stopping", signal=signal.Signals(signum).name)
        worker.stop()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, on_signal)
    _log(
        logging.INFO,
        "worker.started",
        threads=worker.settings.threads,
        batch=worker.settings.batch,
        endpoint=current_app.config["FCM_ENDPOINT"] or "Google FCM",
        once=once,
    )
    if not once:
        # A long-running worker's startup heap (app, models, schemas) never dies:
        # keep the collector from walking it on every full collection.
        gc.collect()
        gc.freeze()
    try:
        stats = worker.run(once=once)
    finally:
        worker.engine.dispose()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    _log(logging.INFO, "worker.stopped", **dict(sorted(stats.items())))
