"""One JSON log line per request, with a request id echoed to the client."""

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request

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


def init_app(app: Flask) -> None:
    configure_logging()

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config["LOG_REQUESTS"]:
            identity = g.get("identity")
            log.info(
                "request",
                extra={
                    "payload": {
                        "request_id": g.get("request_id"),
                        "ip": request.remote_addr,
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "latency_ms": round(
                            (time.perf_counter() - g.get("started", 0)) * 1000, 2
                        ),
                        "user": str(identity.user_id) if identity else None,
                        "client": str(identity.client_id)
                        if identity and identity.client_id
                        else None,
                    }
                },
            )
        return response
