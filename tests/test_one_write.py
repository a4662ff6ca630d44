"""gunicorn's answers in one write: the same bytes as gunicorn's own Response."""

from pathlib import Path
from unittest import mock

import pytest
from gunicorn import util
from gunicorn.config import Config
from gunicorn.http import wsgi
from hypothesis import given
from hypothesis import strategies as st

from opsx_api.one_write import COALESCE_MAX_BYTES, OneWriteResponse

STOCK = OneWriteResponse.__bases__[0]  # gunicorn's, whatever install() did since
DATE = "Tue, 01 Dec 2026 12:00:00 GMT"


class Request:
    """What a Response reads of gunicorn's parsed request."""

    version = (1, 1)

    def __init__(self, method: str) -> None:
        self.method = method

    def should_close(self) -> bool:
        return False


class Socket:
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))


def serve(response_class, method, status, headers, chunks) -> list[bytes]:
    """What gunicorn's worker does with an answer: start, write each chunk, close."""
    sock = Socket()
    response = response_class(Request(method), sock, Config())
    with mock.patch.object(util, "http_date", lambda *_: DATE):
        response.start_response(status, headers)
        for chunk in chunks:
            response.write(chunk)
        response.close()
    return sock.writes


def json_answer(body: bytes) -> list[tuple[str, str]]:
    return [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]


def test_a_json_answer_leaves_in_one_write():
    body = b'{"data": []}'

    stock = serve(STOCK, "GET", "200 OK", json_answer(body), [body])
    ours = serve(OneWriteResponse, "GET", "200 OK", json_answer(body), [body])

    assert len(stock) == 2  # what this changes: headers, then the body
    assert ours == [b"".join(stock)]
    assert ours[0].endswith(b"\r\n\r\n" + body)


@pytest.mark.parametrize(
    ("method", "status", "headers", "chunks"),
    [
        ("HEAD", "200 OK", json_answer(b"{}"), [b"{}"]),  # no body on the wire
        ("DELETE", "204 No Content", [], [b""]),
        ("GET", "304 Not Modified", [], []),  # nothing written: headers at close
        ("GET", "200 OK", [("Content-Type", "text/csv")], [b"a,b\r\n", b"1,2\r\n"]),
        ("GET", "200 OK", [("Content-Length", "3")], [b"abcdef"]),  # cut to 3
    ],
)
def test_every_answer_has_gunicorns_own_bytes(method, status, headers, chunks):
    stock = serve(STOCK, method, status, headers, chunks)

    assert b"".join(serve(OneWriteResponse, method, status, headers, chunks)) == (
        b"".join(stock)
    )


def test_a_chunked_answer_sends_its_headers_before_the_first_chunk():
    chunks = [b"a,b\r\n", b"1,2\r\n"]

    ours = serve(
        OneWriteResponse, "GET", "200 OK", [("Content-Type", "text/csv")], chunks
    )

    assert b"Transfer-Encoding: chunked" in ours[0]
    assert ours[0].endswith(b"\r\n\r\n")  # the chunk framing is not inside the head


def test_a_large_body_is_not_copied_to_join_its_headers():
    body = b"x" * (COALESCE_MAX_BYTES + 1)

    ours = serve(OneWriteResponse, "GET", "200 OK", json_answer(body), [body])

    assert len(ours) == 2
    assert ours[0].endswith(b"\r\n\r\n")
    assert ours[1] == body


@given(
    method=st.sampled_from(["GET", "HEAD", "POST"]),
    status=st.sampled_from(
        ["200 OK", "201 Created", "204 No Content", "404 Not Found"]
    ),
    chunks=st.lists(st.binary(max_size=64), max_size=4),
    declared=st.booleans(),
)
def test_generated_answers_have_gunicorns_own_bytes(method, status, chunks, declared):
    headers = [("Content-Type", "application/json")]
    if declared:
        headers.append(("Content-Length", str(sum(map(len, chunks)))))

    stock = serve(STOCK, method, status, headers, chunks)

    assert b"".join(serve(OneWriteResponse, method, status, headers, chunks)) == (
        b"".join(stock)
    )


def test_gunicorn_conf_installs_it():
    import runpy

    saved = wsgi.Response
    try:
        wsgi.Response = STOCK
        runpy.run_path(str(Path(__file__).parents[1] / "gunicorn.conf.py"))
        assert wsgi.Response is OneWriteResponse
    finally:
        wsgi.Response = saved
