"""wrk (Debian's package) as the load generator of `make bench-parse`.

Why wrk and not bench/load.py here: on two shared cores the load generator's
own CPU competes with the servers, and a Python client costs about as much per
request as the cheapest routes measured; wrk's C event loop costs a few
microseconds, so the ratios are those of the servers. A small Lua script
rotates request paths or bodies (several users logging in) and reports JSON.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
local method = %(method)s
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local n = 0
request = function()
  n = n + 1
  local body = nil
  if #bodies > 0 then body = bodies[(n %% #bodies) + 1] end
  return wrk.format(method, paths[(n %% #paths) + 1], nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"status_errors":%%d,' ..
    '"socket_errors":%%d,"p50_us":%%d,"p95_us":%%d}\\n',
    summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua(text: str) -> str:
    return "[==[" + text + "]==]"


def run(
    port: int,
    paths: list[str],
    *,
    headers: dict | None = None,
    method: str = "GET",
    bodies: list[str] = (),
    seconds: float = 10,
    connections: int = 16,
    threads: int = 2,
) -> Result:
    """Load 127.0.0.1:`port` with `paths` (rotated) for `seconds`."""
    script = _SCRIPT % {
        "method": _lua(method),
        "paths": ", ".join(_lua(p) for p in paths),
        "bodies": ", ".join(_lua(b) for b in bodies),
    }
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "bench.lua"
        lua.write_text(script)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
        ]
        command += ["--timeout", "10s", "-s", str(lua)]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://127.0.0.1:{port}")
        out = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["status_errors"] + data["socket_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
    )
