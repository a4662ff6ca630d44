"""A small closed-loop HTTP load generator on loopback (stdlib only).

Several processes, each with a few keep-alive connections, hammer one URL for a
fixed time; the answer is requests per second and latency percentiles. The
machine is noisy, so callers compare routes measured side by side in one run.
"""

import http.client
import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def _connection_loop(host, port, path, headers, deadline, out, lock):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    count = errors = 0
    latencies = []
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        count += 1
    conn.close()
    with lock:
        out.append((count, errors, latencies))


def _process(host, port, path, headers, seconds, connections, queue):
    deadline = time.perf_counter() + seconds
    out, lock = [], threading.Lock()
    threads = [
        threading.Thread(
            target=_connection_loop,
            args=(host, port, path, headers, deadline, out, lock),
        )
        for _ in range(connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(
        (
            sum(c for c, _, _ in out),
            sum(e for _, e, _ in out),
            [lat for _, _, lats in out for lat in lats][:20000],
        )
    )


def hammer(
    host: str,
    port: int,
    path: str,
    headers: dict | None = None,
    *,
    seconds: float = 4.0,
    processes: int = 2,
    connections: int = 4,
) -> Result:
    """Load `path` for `seconds`; every request must answer below 400."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=_process,
            args=(host, port, path, headers or {}, seconds, connections, queue),
        )
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    parts = [queue.get(timeout=seconds + 60) for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return Result(
        requests=sum(p[0] for p in parts),
        errors=sum(p[1] for p in parts),
        seconds=min(elapsed, seconds + 0.5),
        latencies_ms=[lat for p in parts for lat in p[2]],
    )


def interleaved(rounds: int, scenarios: dict, **kwargs) -> dict[str, list[Result]]:
    """Run each scenario `rounds` times, alternating, so drift hits all alike."""
    results: dict[str, list[Result]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name, (host, port, path, headers) in scenarios.items():
            results[name].append(hammer(host, port, path, headers, **kwargs))
    return results


def median_rps(results: list[Result]) -> float:
    return statistics.median(r.rps for r in results)
