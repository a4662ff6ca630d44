"""Bodies are read through OPSX_MAX_BODY_BYTES, chunked or not: 413 and nothing written.

A chunked request has no Content-Length; Werkzeug reads such a body only up to
the limit and hands the view what it got. The Flask test client does not mark
a stream as server-terminated, so those tests say so the way a server does
(`wsgi.input_terminated`), and the same request also goes through real sockets:
Werkzeug's server in a thread and gunicorn in a subprocess.
"""

import http.client
import io
import json
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder, run_wsgi_app

from models import Prospect
from opsx_api import db
from tests.conftest import TEST_CONFIG
from tests.live import gunicorn
from tests.test_errors import assert_envelope

IMPORT = "/api/v1/prospects/import"
SERVED = {"wsgi.input_terminated": True}  # what gunicorn and Werkzeug's server set


def big_csv(limit: int) -> bytes:
    """A well-formed CSV of ~1.2x `limit` bytes (7,000 rows for the default)."""
    lines = ["name,email,fields.note"]
    row = 0
    while sum(len(line) + 1 for line in lines) < limit * 1.2:
        row += 1
        lines.append(f"Person {row:05d},p{row}@example.test,{'x' * 140}")
    return ("\n".join(lines) + "\n").encode()


def prospect_count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Prospect))


@pytest.fixture
def admin(factory):
    company = factory.make_client()
    return factory.login(factory.admin_of(company))


def send_chunked(client, path: str, body: bytes, headers: dict, content_type: str):
    """A body without Content-Length, on a stream the server terminates."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        content_type=content_type,
        environ_overrides=SERVED,
    )


class Unreadable(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, _offset, _whence=0) -> int:
        return 0

    def readinto(self, _buffer) -> int:
        raise AssertionError("a request without a body was read")


def test_a_request_with_neither_length_nor_chunks_is_not_read(app, admin):
    # Such a request has no body (RFC 9112 6.3): every GET the app gets. The
    # test client always sets CONTENT_LENGTH; gunicorn sets none here.
    environ = EnvironBuilder(
        path="/api/v1/prospects",
        input_stream=Unreadable(),
        headers=admin.headers,
        environ_overrides=SERVED,
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    _body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status == "200 OK"


def test_chunked_json_body_over_the_limit_is_413(app, client, admin):
    body = json.dumps({"name": "x" * (app.config["MAX_BODY_BYTES"] + 10)}).encode()
    response = send_chunked(
        client, "/api/v1/prospects", body, admin.headers, "application/json"
    )
    assert_envelope(response, 413, "payload_too_large")
    assert prospect_count(app) == 0


def test_chunked_csv_import_over_the_limit_imports_nothing(app, client, admin):
    body = big_csv(app.config["MAX_BODY_BYTES"])
    response = send_chunked(client, IMPORT, body, admin.headers, "text/csv")
    assert_envelope(response, 413, "payload_too_large")
    assert prospect_count(app) == 0


def test_chunked_csv_import_within_the_limit_is_read_whole(app, client, admin):
    text = b"name,email\n" + b"".join(
        f"Row {n},r{n}@example.test\n".encode() for n in range(300)
    )
    response = send_chunked(client, IMPORT, text, admin.headers, "text/csv")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 300


@contextmanager
def werkzeug_server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()


def gunicorn_server(app):
    return gunicorn(
        app.config["DATABASE_URL"],
        workers=1,
        threads=2,
        OPSX_SECRET_KEY=TEST_CONFIG["SECRET_KEY"],
        OPSX_JWT_KEYS=TEST_CONFIG["JWT_KEYS"],
    )


def post_chunked(port: int, path: str, body: bytes, headers: dict) -> tuple:
    """POST `body` in 16 KiB chunks over a real socket; (status, JSON answer)."""
    chunks = (body[i : i + 16384] for i in range(0, len(body), 16384))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


@pytest.mark.parametrize("serve", [werkzeug_server, gunicorn_server])
def test_served_chunked_csv_import_over_the_limit_imports_nothing(app, admin, serve):
    body = big_csv(app.config["MAX_BODY_BYTES"])
    headers = {**admin.headers, "Content-Type": "text/csv"}
    with serve(app) as port:
        status, answer = post_chunked(port, IMPORT, body, headers)
    assert (status, answer["error"]["code"]) == (413, "payload_too_large"), answer
    assert prospect_count(app) == 0
