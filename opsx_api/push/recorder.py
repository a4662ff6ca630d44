"""The worker's recorder: one thread that writes send outcomes in small groups.

Sending threads hand over each outcome and move on. The recorder writes whatever
arrives within a few milliseconds in one short transaction, so under load a
commit covers dozens of pushes and the database sees a few commits a second,
not thousands.
An outcome not yet written when the process dies is sent again once its lease
runs out (at-least-once; the collapse key makes the repeat harmless).
"""

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import Engine

from opsx_api.push.claim import Job
from opsx_api.push.fcm_result import SendResult
from opsx_api.push.outcome import RetryPolicy, record_all

log = logging.getLogger("opsx.worker")
_STOP = object()


class Recorder:
    """Writes `(job, result)` pairs handed to `put`; `close()` flushes and stops."""

    def __init__(
        self,
        engine: Engine,
        policy: RetryPolicy,
        *,
        group: int = 200,
        linger: float = 0.01,
        on_written: Callable[[list[tuple[Job, SendResult]], list], None] | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.group = group
        self.linger = linger
        self.on_written = on_written
        self.stats: Counter[str] = Counter()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name="push-recorder", daemon=True
        )

    def start(self) -> "Recorder":
        self._thread.start()
        return self

    def put(self, job: Job, result: SendResult) -> None:
        self._queue.put((job, result))

    def close(self) -> None:
        """Write everything handed over so far, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            items = [self._queue.get()]
            # Gather what arrives within a few milliseconds: a busy worker then
            # commits dozens of outcomes at once, an idle one waits barely at all.
            deadline = time.monotonic() + self.linger
            while len(items) < self.group and items[-1] is not _STOP:
                try:
                    items.append(
                        self._queue.get(timeout=max(0, deadline - time.monotonic()))
                    )
                except queue.Empty:
                    break
            if _STOP in items:
                stopping = True
                items = [item for item in items if item is not _STOP]
                items.extend(self._drain())
            for start in range(0, len(items), self.group):
                self._write(items[start : start + self.group])

    def _drain(self) -> list:
        items = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return items
            if item is not _STOP:
                items.append(item)

    def _write(self, items: list[tuple[Job, SendResult]]) -> None:
        if not items:
            return
        try:
            statuses: list = record_all(self.engine, items, self.policy)
        except Exception as exc:  # noqa: BLE001 - this thread must outlive any error
            # Unwritten: the leases run out and these pushes go again. Better
            # twice (same collapse key) than never.
            log.error(
                "push.record_failed",
                extra={
                    "payload": {
                        "event": "push.record_failed",
                        "pushes": len(items),
                        "error": type(exc).__name__,
                    }
                },
            )
            statuses = ["unrecorded"] * len(items)
        for status in statuses:
            self.stats[status or "superseded"] += 1
        if self.on_written:
            self.on_written(items, statuses)
