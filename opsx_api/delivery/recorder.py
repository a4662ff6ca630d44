"""The worker's recorder: one thread per channel writes outcomes in small groups.

Sending threads hand over each outcome and move on. The recorder writes whatever
arrives within a few milliseconds in one short transaction, so under load a
commit covers dozens of jobs and the database sees a few commits a second, not
thousands.
An outcome not yet written when the process dies is sent again once its lease
runs out (at-least-once; push collapse keys and email Message-IDs make the
repeat recognisable).
"""

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from opsx_api import metrics
from opsx_api.delivery.result import SendResult

log = logging.getLogger("opsx.worker")
_STOP = object()


class Recorder:
    """Writes `(job, result)` pairs handed to `put`; `close()` flushes and stops.

    `record_all(items)` writes one group in one transaction and returns the
    status each job was left in (None: the row had changed meanwhile).
    """

    def __init__(
        self,
        record_all: Callable[[list[tuple[Any, SendResult]]], list],
        *,
        name: str = "push",
        group: int = 200,
        linger: float = 0.01,
        on_written: Callable[[list[tuple[Any, SendResult]], list], None] | None = None,
    ) -> None:
        self.record_all = record_all
        self.name = name
        self.group = group
        self.linger = linger
        self.on_written = on_written
        self.stats: Counter[str] = Counter()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, name=f"{name}-recorder", daemon=True
        )

    def start(self) -> "Recorder":
        self._thread.start()
        return self

    def put(self, job: Any, result: SendResult) -> None:
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

    def _drain(self) -> list[Any]:
        items: list[Any] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return items
            if item is not _STOP:
                items.append(item)

    def _write(self, items: list[tuple[Any, SendResult]]) -> None:
        if not items:
            return
        statuses = self._record(items)
        if statuses is None and len(items) > 1:
            # One bad outcome must not make the whole group go out again:
            # write them one by one, so only what cannot be written is lost.
            statuses = [(self._record([item]) or ["unrecorded"])[0] for item in items]
        statuses = statuses or ["unrecorded"] * len(items)
        for status in statuses:
            self.stats[status or "superseded"] += 1
            metrics.DELIVERIES.labels(self.name, status or "superseded").inc()
        if self.on_written:
            self.on_written(items, statuses)

    def _record(self, items: list[tuple[Any, SendResult]]) -> list | None:
        """The statuses written, or None when the write failed.

        An unwritten outcome's job comes back when its lease runs out and is
        sent again (same collapse key / Message-ID); a push's claim gives up at
        its attempt limit (`push.claim.claim_due`), so nothing loops forever.
        """
        try:
            return self.record_all(items)
        except Exception as exc:  # noqa: BLE001 - this thread must outlive any error
            event = f"{self.name}.record_failed"
            log.error(
                event,
                extra={
                    "payload": {
                        "event": event,
                        "jobs": len(items),
                        "ids": [str(job.id) for job, _ in items[:5]],
                        "error": type(exc).__name__,
                    }
                },
            )
            return None
