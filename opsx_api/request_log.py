"""One JSON log line per request, with a request id echoed to the client.

Kept cheap, since every request pays it: the id is 16 random bytes in hex,
and the record is made directly (no search of the caller's frame, which the
line never shows; no formatting when INFO is off).

The client's IP is logged as `OPSX_LOG_IP` says: `truncated` by default (the
/24 of an IPv4 address, the /48 of an IPv6 one: enough to see a network, not a
person), `full`, or `none`.
"""

import ipaddress
import json
import logging
import re
import secrets
import sys
import time
from functools import lru_cache

from flask import Flask, current_app, g, request

log = logging.getLogger("opsx.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = getattr(record, "payload", None) or {"message": record.getMessage()}
        line = {"level": record.levelname.lower(), "logger": record.name, **payload}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging() -> None:
    root = logging.getLogger("opsx")
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False


class DropWerkzeugAccessLines(logging.Filter):
    """The development server's own per-request line (`"GET / HTTP/1.1" 200 -`).

    Our JSON line already says it, with more; without this filter `flask run`
    and `make run` log every request twice. Werkzeug's other lines (the address
    it listens on, errors) pass.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and '"%s" %s %s' in str(record.msg))


def init_app(app: Flask) -> None:
    configure_logging()
    werkzeug_log = logging.getLogger("werkzeug")
    if app.config["LOG_REQUESTS"] and not any(
        isinstance(f, DropWerkzeugAccessLines) for f in werkzeug_log.filters
    ):
        werkzeug_log.addFilter(DropWerkzeugAccessLines())

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = (
            incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(16)
        )

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config["LOG_REQUESTS"] and log.isEnabledFor(logging.INFO):
            log.handle(_record(response.status_code))
        return response


def _record(status: int) -> logging.LogRecord:
    identity = g.get("identity")
    client_id = identity.client_id if identity else None
    payload = {
        "request_id": g.get("request_id"),
        "ip": logged_ip(request.remote_addr, current_app.config["LOG_IP"]),
        "method": request.method,
        "path": request.path,
        "status": status,
        "latency_ms": round((time.perf_counter() - g.get("started", 0)) * 1000, 2),
        "user": str(identity.user_id) if identity else None,
        "client": str(client_id) if client_id else None,
    }
    return log.makeRecord(
        log.name,
        logging.INFO,
        __file__,
        0,
        "request",
        (),
        None,
        extra={"payload": payload},
    )


@lru_cache(maxsize=4096)
def logged_ip(address: str | None, policy: str) -> str | None:
    """The address as the log keeps it under `policy` (full, truncated, none)."""
    if address is None or policy == "none":
        return None
    if policy == "full":
        return address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
