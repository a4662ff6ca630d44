"""A local FCM HTTP v1 server for development and tests (Google is unreachable here).

It speaks `POST /v1/projects/<project>/messages:send` and the OAuth2 `POST /token`
exchange of google-auth service accounts, records every attempt, and can be
scripted per token, from Python (`FcmEmulator`) or over HTTP (`/emulator/...`):

    POST   /emulator/script        {"token", "responses": [...], "repeat_last": false}
    POST   /emulator/unregistered  {"token", "unregistered": true}
    POST   /emulator/down          {"down": true}
    POST   /emulator/token-exchange {"failing": true}
    GET    /emulator/messages      [?token=...]  recorded deliveries
    DELETE /emulator/messages      forget messages and attempts
    GET    /emulator/attempts      [?token=...]  attempts with status and time
    POST   /emulator/reset         forget everything, switches included
"""

import contextlib
import json
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Self

import click

from opsx_api.push.emulator_state import EmulatorState, Reply

_SEND_PATH = re.compile(r"^/v1/projects/([^/]+)/messages:send$")
_NOT_FOUND = Reply(
    404, {"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}
)
_OK = Reply(200, {"ok": True})


class _Server(ThreadingHTTPServer):
    """Thread-per-connection server that can cut its keep-alive connections."""

    daemon_threads = True
    state: EmulatorState
    log_requests = False

    def __init__(self, address: tuple[str, int], state: EmulatorState) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is normal here, not an error.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut idle keep-alive sockets, so a stopped emulator stops answering."""
        with self.connections_lock:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse pooled connections
    # Buffer the answer and disable Nagle so headers and body leave in one
    # segment; otherwise Nagle plus delayed ACK costs ~40 ms per request.
    wbufsize = -1
    disable_nagle_algorithm = True
    timeout = 120  # drop idle keep-alive connections eventually
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # the client may have hung up
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        path, _, query = self.path.partition("?")
        try:
            reply = self._route(method, path, urllib.parse.parse_qs(query), raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            reply = Reply(400, {"error": {"code": 400, "message": str(exc)}})
        if reply.delay:
            time.sleep(reply.delay)  # scripted slowness; this thread serves only it
        body = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], raw: bytes
    ) -> Reply:
        state = self.server.state
        match = _SEND_PATH.match(path)
        if match and method == "POST":
            return state.answer_send(match[1], self.headers.get("Authorization"), raw)
        if path == "/token" and method == "POST":
            return state.answer_token(raw)
        if path.startswith("/emulator/"):
            return _control(state, method, path[len("/emulator/") :], query, raw)
        return _NOT_FOUND


def _control(
    state: EmulatorState,
    method: str,
    name: str,
    query: dict[str, list[str]],
    raw: bytes,
) -> Reply:
    """The HTTP twin of the Python test controls."""
    args: dict[str, Any] = json.loads(raw) if raw else {}
    token = query.get("token", [None])[0]
    if (method, name) == ("POST", "script"):
        state.script(
            args["token"], args["responses"], repeat_last=bool(args.get("repeat_last"))
        )
    elif (method, name) == ("POST", "unregistered"):
        state.set_unregistered(args["token"], bool(args.get("unregistered", True)))
    elif (method, name) == ("POST", "down"):
        state.set_down(bool(args.get("down", True)))
    elif (method, name) == ("POST", "token-exchange"):
        state.set_token_exchange_failing(bool(args.get("failing", True)))
    elif (method, name) == ("GET", "messages"):
        messages = [m for m in state.messages if token is None or m["token"] == token]
        return Reply(200, {"messages": messages, "count": len(messages)})
    elif (method, name) == ("DELETE", "messages"):
        state.clear_messages()
    elif (method, name) == ("GET", "attempts"):
        # Bearer tokens stay out of the HTTP view; tests read them from Python.
        log = [asdict(a) | {"bearer": None} for a in state.attempt_log(token)]
        return Reply(200, {"token": token, "count": len(log), "attempts": log})
    elif (method, name) == ("POST", "reset"):
        state.reset()
    else:
        return _NOT_FOUND
    return _OK


class FcmEmulator(EmulatorState):
    """The FCM emulator: recorded state plus a threaded HTTP server.

    Use as a context manager, or `start()` / `stop()`. Port 0 picks a free port;
    `origin` is then the value for `OPSX_FCM_ENDPOINT`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__()
        self.host, self.port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:9099"."""
        return f"http://{self.host}:{self.port}"

    @property
    def token_uri(self) -> str:
        """Where a service-account file's `token_uri` should point."""
        return self.origin + "/token"

    def start(self, log_requests: bool = False) -> Self:
        """Listen and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("emulator already started")
        self._server = _Server((self.host, self.port), self)
        self._server.log_requests = log_requests
        self.port = self._server.server_address[1]
        # A short poll interval keeps stop() (and so each test) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fcm-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection; idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@click.command("fcm-emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface.")
@click.option("--port", default=9099, show_default=True, help="TCP port.")
@click.option("--log-requests", is_flag=True, help="Log every request to stderr.")
def fcm_emulator_command(host: str, port: int, log_requests: bool) -> None:
    """Run a local FCM HTTP v1 emulator until Ctrl-C.

    Point OPSX_FCM_ENDPOINT at the printed origin. It records every message and
    can be scripted over HTTP under /emulator/ (script, unregistered, down,
    token-exchange, messages, attempts, reset); see opsx_api/push/emulator.py.
    """
    emulator = FcmEmulator(host, port).start(log_requests=log_requests)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Outside the main thread signal() refuses; Ctrl-C handling still applies.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGTERM, on_signal)
    click.echo(f"FCM emulator listening on {emulator.origin} (Ctrl-C to stop)")
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        click.echo("FCM emulator stopped")
