"""The outbox worker: claims, sends and records jobs of every channel.

The main thread claims due jobs of each channel in turn, in small batches, and
hands them to one bounded thread pool; each thread sends one job and hands its
outcome to the channel's recorder thread. Any number of workers may run side by
side: they coordinate only through `FOR UPDATE SKIP LOCKED` and leases. `stop()`
(SIGTERM) stops claiming, finishes the sends in flight and hands back the rest.
"""

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from opsx_api.delivery.recorder import Recorder
from opsx_api.delivery.result import SendResult

log = logging.getLogger("opsx.worker")
_ALERT_EVERY = 60.0  # seconds between repeated alerts of one configuration fault
# A job that waited this long after its claim is checked again before sending.
RECHECK_AFTER_SECONDS = 0.5


class Job(Protocol):
    """What the worker needs of any claimed job."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def attempts(self) -> int: ...

    @property
    def claimed_at(self) -> float: ...  # time.monotonic() of the claim


class Channel(Protocol):
    """One kind of outbox (push, email): its table, its gate, its sender."""

    @property
    def name(self) -> str: ...  # thread names, statistics and log events

    @property
    def lease_seconds(self) -> float: ...

    @property
    def timeout(self) -> float: ...  # the longest one send may take

    @property
    def alert_event(self) -> str: ...  # the ERROR log event of a configuration fault

    @property
    def alert_hint(self) -> str: ...

    def claim(self, engine: Engine, limit: int) -> list: ...

    def recheck(self, engine: Engine, job: Any) -> bool: ...

    def send(self, job: Any) -> SendResult: ...

    def record_all(self, engine: Engine, outcomes: list) -> list[str | None]: ...

    def release(self, engine: Engine, jobs: list) -> int: ...


@dataclass(frozen=True)
class WorkerSettings:
    """The knobs shared by every channel (`OPSX_WORKER_*`)."""

    threads: int = 16
    batch: int = 64
    poll_seconds: float = 1.0

    @classmethod
    def from_config(cls, config: dict[str, Any], **overrides: Any) -> "WorkerSettings":
        values: dict[str, Any] = {
            "threads": max(1, config["WORKER_THREADS"]),
            "batch": max(1, config["WORKER_BATCH"]),
            "poll_seconds": max(0.01, config["WORKER_POLL_SECONDS"]),
        }
        return cls(**{**values, **overrides})


class Worker:
    """Claims, sends and records jobs until stopped (or, once, until idle)."""

    def __init__(
        self, engine: Engine, channels: Sequence[Channel], settings: WorkerSettings
    ):
        self.engine = engine
        self.channels = list(channels)
        self.settings = settings
        self._stopping = threading.Event()
        self._changed = threading.Condition()
        self._pending: dict[tuple[str, uuid.UUID], tuple[Future, Channel, Job]] = {}
        self._alerted: dict[tuple[str, str], float] = {}
        self._recorders = {
            c.name: Recorder(
                partial(c.record_all, engine),
                name=c.name,
                on_written=partial(self._written, c),
            )
            for c in self.channels
        }

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels if c.name == name)

    @property
    def stats(self) -> Counter[str]:
        """How many jobs ended in each status during this run, all channels."""
        return sum((r.stats for r in self._recorders.values()), Counter())

    def stats_by_channel(self) -> dict[str, dict[str, int]]:
        return {
            name: dict(sorted(r.stats.items())) for name, r in self._recorders.items()
        }

    def stop(self) -> None:
        """Claim nothing more; `run` returns once the sends in flight finish."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()

    def run(self, *, once: bool = False) -> Counter[str]:
        """Deliver until `stop()`; with `once`, until nothing is due. The tallies."""
        for recorder in self._recorders.values():
            recorder.start()
        pool = ThreadPoolExecutor(self.settings.threads, thread_name_prefix="send")
        try:
            self._loop(pool, once)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for channel in self.channels:
                unsent = [
                    job
                    for f, c, job in self._pending.values()
                    if c is channel and f.cancelled()
                ]
                self._release(channel, unsent)
            for recorder in self._recorders.values():
                recorder.close()
        return self.stats

    def _loop(self, pool: ThreadPoolExecutor, once: bool) -> None:
        threads, poll = self.settings.threads, self.settings.poll_seconds
        while not self._stopping.is_set():
            claimed = False
            for channel in self.channels:
                with self._changed:
                    # Claim only when a sending thread is about to be free, so a
                    # claimed job waits little between its checks and its send.
                    self._changed.wait_for(
                        lambda: len(self._pending) < threads or self._stopping.is_set()
                    )
                if self._stopping.is_set():
                    return
                jobs = self._claim(channel)
                for job in jobs:
                    with self._changed:
                        future = pool.submit(self._deliver, channel, job)
                        self._pending[(channel.name, job.id)] = (future, channel, job)
                claimed = claimed or bool(jobs)
            if claimed:
                continue
            with self._changed:
                if once and not self._pending:
                    return
                # Nothing due: look again after the poll interval (or, for --once,
                # as soon as the last send in flight has finished).
                self._changed.wait(poll)

    def _claim(self, channel: Channel) -> list:
        try:
            return channel.claim(self.engine, self.settings.batch)
        except SQLAlchemyError as exc:
            # The database is away: say so, wait, and try again; nothing is lost.
            log_event(
                logging.ERROR,
                "worker.claim_failed",
                channel=channel.name,
                error=type(exc).__name__,
            )
            self._stopping.wait(self.settings.poll_seconds)
            return []

    def _deliver(self, channel: Channel, job: Job) -> None:
        try:
            if not self._still_wanted(channel, job):
                return
            result = channel.send(job)
            if result.outcome == "config_error":
                self._alert(channel, result)
            self._recorders[channel.name].put(job, result)
        finally:
            with self._changed:
                self._pending.pop((channel.name, job.id), None)
                # Wake the claimer only when it has something to do: a thread
                # became free for it, or (for --once) the last send finished.
                if len(self._pending) in (self.settings.threads - 1, 0):
                    self._changed.notify_all()

    def _still_wanted(self, channel: Channel, job: Job) -> bool:
        """Re-check a job that waited since its claim (peer slow, pool busy)."""
        waited = time.monotonic() - job.claimed_at
        if waited < RECHECK_AFTER_SECONDS:
            return True
        if waited > channel.lease_seconds - channel.timeout - 1:
            # The lease may run out mid-send and another worker take the job:
            # hand it back instead of risking a double send.
            self._release(channel, [job])
            return False
        try:
            return channel.recheck(self.engine, job)
        except SQLAlchemyError:
            return False  # not sent now; the lease runs out and it is tried again

    def _written(self, channel: Channel, items: list, statuses: list) -> None:
        for (job, result), status in zip(items, statuses, strict=True):
            if status in ("invalid_token", "failed"):
                log_event(
                    logging.INFO,
                    f"{channel.name}.{status}",
                    id=job.id,
                    error=result.error_code,
                )

    def _alert(self, channel: Channel, result: SendResult) -> None:
        """An ERROR line for a configuration fault, at most once a minute per kind."""
        key = (channel.name, result.error_code or str(result.http_status))
        with self._changed:
            now = time.monotonic()
            if now - self._alerted.get(key, -_ALERT_EVERY) < _ALERT_EVERY:
                return
            self._alerted[key] = now
        log_event(
            logging.ERROR,
            channel.alert_event,
            error_code=result.error_code,
            http_status=result.http_status,
            detail=result.detail,
            hint=channel.alert_hint,
        )

    def _release(self, channel: Channel, jobs: list) -> None:
        if not jobs:
            return
        try:
            channel.release(self.engine, jobs)
        except SQLAlchemyError:  # the leases run out instead
            log.warning(
                "could not hand back %d claimed %s jobs", len(jobs), channel.name
            )


def log_event(level: int, event: str, **fields: Any) -> None:
    log.log(level, event, extra={"payload": {"event": event, **fields}})
