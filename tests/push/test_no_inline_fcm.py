"""No HTTP request of the API ever calls FCM: the worker alone talks to it."""

import socket
import time
from collections.abc import Iterator

import pytest


@pytest.fixture
def black_hole(app, monkeypatch) -> Iterator[socket.socket]:
    """FCM_ENDPOINT at a socket that accepts connections and never answers.

    Any request that called FCM inline would hang there until its timeout; and
    the socket's backlog tells afterwards whether anyone connected at all.
    """
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(64)
    monkeypatch.setitem(
        app.config, "FCM_ENDPOINT", f"http://127.0.0.1:{hole.getsockname()[1]}"
    )
    yield hole
    hole.close()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_requests_that_queue_pushes_answer_fast_while_fcm_hangs(
    factory, client, black_hole
):
    company = factory.make_client(policy="replace")
    admin = factory.login(factory.admin_of(company))
    user = factory.make_user(company)
    first, login_s = timed(lambda: factory.login(user, push_token="phone-1"))

    replaced, replace_s = timed(lambda: factory.login(user, push_token="phone-2"))
    cast, cast_s = timed(
        lambda: client.post(
            "/api/v1/admin/notifications",
            json={"title": "Now", "body": "Quick"},
            headers=admin.headers,
        )
    )
    gone, gone_s = timed(
        lambda: client.post(
            f"/api/v1/admin/users/{user.id}/deactivate", json={}, headers=admin.headers
        )
    )

    assert login_s < 1
    assert replaced.status == 200 and replace_s < 1
    assert cast.status_code == 202 and cast.get_json()["queued"] == 1 and cast_s < 1
    assert gone.status_code == 200 and gone_s < 1
    assert gone.get_json()["pushes_cancelled"] == 1
    assert first.session_id != replaced.session_id
    black_hole.setblocking(False)
    with pytest.raises(BlockingIOError):
        black_hole.accept()  # nobody ever connected to "FCM"
