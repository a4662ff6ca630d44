"""Parse Server 9.10 beside OpsX for `make bench-parse`: install, start, seed.

Installed from npm into bench/parse/node_modules (ignored) from the committed
package.json and lock (parse-server 9.10.0, `router` pinned to 2.2.0 as a
dependency and in `overrides`: 2.3.0 breaks `POST /parse/batch`). Configured
for a machine without outbound network: no server URL check, GraphQL, live
queries, legacy purchase API or security check; classes only through the
master key. Every object lives in one tenant (`tenantId` 1) with an index on
(tenantId, seq), like OpsX's (client_id, created_at, id).
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench.prospects import person
from bench.server import free_port

HERE = Path(__file__).resolve().parent / "parse"
APP_ID = "opsx-bench"
MASTER_KEY = "opsx-bench-master-key-0123456789"
CLASS = "Prospect"
TENANT = 1
BATCH = 100
PASSWORD = "bench-parse-password-2026"


def install() -> Path:
    """`npm ci` into bench/parse/ unless the pinned version is already there."""
    binary = HERE / "node_modules" / ".bin" / "parse-server"
    installed = HERE / "node_modules" / "parse-server" / "package.json"
    if not (
        binary.exists() and json.loads(installed.read_text())["version"] == "9.10.0"
    ):
        if not shutil.which("npm"):
            raise RuntimeError("bench-parse needs Node.js and npm")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
        )
    return binary


class Parse:
    """A running Parse Server: requests with the app id, a session or master key."""

    def __init__(self, port: int):
        self.port = port
        self.session_token: str | None = None

    def headers(self, *, master: bool = False) -> dict:
        headers = {"X-Parse-Application-Id": APP_ID}
        if master:
            headers["X-Parse-Master-Key"] = MASTER_KEY
        elif self.session_token:
            headers["X-Parse-Session-Token"] = self.session_token
        return headers

    def call(self, method: str, path: str, body=None, *, master=False, conn=None):
        own = conn is None
        conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = self.headers(master=master)
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read() or b"null")
        if own:
            conn.close()
        if response.status >= 400:
            raise RuntimeError(f"Parse {method} {path}: {response.status} {answer}")
        return answer


def _config(database_url: str, port: int, logs: str) -> dict:
    return {
        "logsFolder": logs,
        "appId": APP_ID,
        "masterKey": MASTER_KEY,
        "databaseURI": database_url,
        "port": port,
        "mountPath": "/parse",
        "serverURL": f"http://127.0.0.1:{port}/parse",
        "verifyServerUrl": False,
        "mountGraphQL": False,
        "startLiveQueryServer": False,
        "enableProductPurchaseLegacyApi": False,
        "allowClientClassCreation": False,
        "security": {"enableCheck": False},
        "logLevel": "error",
    }


@contextmanager
def serve(database_url: str, *, cluster: int | None = None):
    """Parse Server on a free loopback port (its own process group)."""
    binary = install()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.json"
        config.write_text(json.dumps(_config(database_url, port, tmp)))
        command = [str(binary), str(config)]
        if cluster:
            command += ["--cluster", str(cluster)]
        # Its workers race to create helper functions at start and log the
        # loser's error: kept out of the bench's output, shown if it fails.
        log = open(Path(tmp) / "parse.log", "w+")  # noqa: SIM115
        process = subprocess.Popen(
            command,
            cwd=HERE,
            env={**os.environ, "NODE_ENV": "production"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(port, process)
            yield Parse(port), process
        except Exception:
            log.seek(0)
            print(log.read()[-4000:], file=sys.stderr)
            raise
        finally:
            os.killpg(process.pid, signal.SIGCONT)
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _wait_until_up(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Parse Server exited at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/parse/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("Parse Server did not come up")


def create_schema(parse: Parse) -> None:
    """The Prospect class and its (tenantId, seq) index, through the master key."""
    strings = ("name", "phone", "email", "address", "status", "externalId")
    numbers = ("tenantId", "seq", "lat", "lng", "version")
    fields = {name: {"type": "String"} for name in strings}
    fields |= {name: {"type": "Number"} for name in numbers}
    fields["custom"] = {"type": "Object"}
    body = {
        "className": CLASS,
        "fields": fields,
        "indexes": {"tenant_seq": {"tenantId": 1, "seq": 1}},
    }
    parse.call("POST", f"/parse/schemas/{CLASS}", body, master=True)


def sign_up(parse: Parse, username: str) -> str:
    """A user; answers its session token."""
    body = {"username": username, "password": PASSWORD}
    return parse.call("POST", "/parse/users", body)["sessionToken"]


def _object(n: int) -> dict:
    """The same prospect as bench.prospects seeds for OpsX, as a Parse object."""
    data = person(n)
    data["externalId"], data["custom"] = data.pop("external_id"), data.pop("fields")
    return {"tenantId": TENANT, "seq": n, **data, "version": 1}


def seed(parse: Parse, count: int, *, parallel: int = 4) -> None:
    """`count` prospects through POST /parse/batch, 100 a batch, a few at once."""

    def send(start: int) -> None:
        requests = [
            {"method": "POST", "path": f"/parse/classes/{CLASS}", "body": _object(n)}
            for n in range(start, min(start + BATCH, count))
        ]
        answers = parse.call(
            "POST", "/parse/batch", {"requests": requests}, master=True
        )
        failed = [a for a in answers if "success" not in a]
        if failed:
            raise RuntimeError(f"Parse batch at {start}: {failed[:1]}")

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(send, range(0, count, BATCH)))


def query_path(where: dict, *, order: str = "-seq", limit: int = 50) -> str:
    query = {"where": json.dumps(where, separators=(",", ":")), "order": order}
    query["limit"] = str(limit)
    return f"/parse/classes/{CLASS}?" + urllib.parse.urlencode(query)


def call_login(parse: Parse, username: str) -> str:
    """A session token through the real login."""
    return parse.call("GET", login_path(username))["sessionToken"]


def login_path(username: str) -> str:
    query = urllib.parse.urlencode({"username": username, "password": PASSWORD})
    return f"/parse/login?{query}"
