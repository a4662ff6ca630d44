"""The FCM emulator's protocol and HTTP control endpoints, over real sockets."""

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from opsx_api.push.emulator import FcmEmulator, fcm_emulator_command

AUTH = {"Authorization": "Bearer test-token"}
ROOT = str(Path(__file__).resolve().parents[2])


@pytest.fixture
def emulator() -> Iterator[FcmEmulator]:
    """A started FCM emulator on a free port, stopped afterwards."""
    with FcmEmulator() as running:
        yield running


def send(emulator: FcmEmulator, message: dict, headers: dict | None = None):
    """POST one FCM v1 message to the emulator."""
    return requests.post(
        f"{emulator.origin}/v1/projects/p1/messages:send",
        json={"message": message},
        headers=AUTH if headers is None else headers,
        timeout=5,
    )


def control(emulator: FcmEmulator, method: str, name: str, **body):
    """Call an /emulator/ control endpoint."""
    url = f"{emulator.origin}/emulator/{name}"
    return requests.request(method, url, json=body or None, timeout=5)


def test_send_answers_message_name_and_records_it(emulator):
    response = send(emulator, {"token": "t1", "data": {"a": "b"}})

    assert response.status_code == 200
    name = response.json()["name"]
    assert name.startswith("projects/p1/messages/")
    listed = control(emulator, "GET", "messages").json()
    assert listed["count"] == 1
    assert listed["messages"][0]["name"] == name
    assert listed["messages"][0]["message"] == {"token": "t1", "data": {"a": "b"}}


def test_send_without_bearer_is_401_unauthenticated(emulator):
    response = send(emulator, {"token": "t1"}, headers={})

    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"
    assert emulator.messages == []


@pytest.mark.parametrize(
    "message",
    [
        {},
        {"token": "t1", "topic": "news"},
        {"token": "t1", "data": {"n": 1}},
        {"token": "t1", "data": {"google.x": "1"}},
        {"token": "t1", "android": {"ttl": "3600"}},
        {"token": "t1", "unknown": {}},
    ],
)
def test_invalid_messages_get_fcm_invalid_argument(emulator, message):
    response = send(emulator, message)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["details"] == [
        {
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": "INVALID_ARGUMENT",
        }
    ]


def test_script_is_consumed_one_response_per_attempt(emulator):
    responses = [{"status": 503}, {"status": 429, "retry_after": 2}, {}]
    assert control(emulator, "POST", "script", token="t1", responses=responses).ok

    statuses = [send(emulator, {"token": "t1"}) for _ in range(4)]

    assert [r.status_code for r in statuses] == [503, 429, 200, 200]
    assert statuses[1].headers["Retry-After"] == "2"
    assert statuses[0].json()["error"]["details"][0]["errorCode"] == "UNAVAILABLE"
    attempts = control(emulator, "GET", "attempts", token="t1")
    assert attempts.json()["count"] == 4
    assert [a["status"] for a in attempts.json()["attempts"]] == [503, 429, 200, 200]


def test_repeat_last_keeps_answering_the_last_entry(emulator):
    emulator.script("t1", [{"error_code": "INTERNAL"}], repeat_last=True)

    assert [send(emulator, {"token": "t1"}).status_code for _ in range(3)] == [500] * 3


def test_bad_script_is_refused(emulator):
    response = control(emulator, "POST", "script", token="t1", responses=[{"oops": 1}])

    assert response.status_code == 400


def test_unregistered_and_down_switches_over_http(emulator):
    control(emulator, "POST", "unregistered", token="t1")
    gone = send(emulator, {"token": "t1"})
    assert gone.status_code == 404
    assert gone.json()["error"]["details"][0]["errorCode"] == "UNREGISTERED"

    control(emulator, "POST", "down", down=True)
    assert send(emulator, {"token": "t2"}).status_code == 503
    control(emulator, "POST", "down", down=False)
    assert send(emulator, {"token": "t2"}).status_code == 200


def test_delete_messages_and_reset(emulator):
    emulator.set_unregistered("t1")
    send(emulator, {"token": "t2"})

    assert control(emulator, "DELETE", "messages").ok
    assert emulator.messages == [] and emulator.attempts("t2") == 0
    assert send(emulator, {"token": "t1"}).status_code == 404
    assert control(emulator, "POST", "reset").ok
    assert send(emulator, {"token": "t1"}).status_code == 200


def test_token_exchange_issues_access_token(emulator):
    claims = base64.urlsafe_b64encode(json.dumps({"iss": "svc"}).encode()).decode()
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion": f"e30.{claims.rstrip('=')}.c2ln",
    }

    issued = requests.post(emulator.token_uri, data=form, timeout=5)
    refused = requests.post(emulator.token_uri, data={"grant_type": "x"}, timeout=5)

    assert issued.status_code == 200
    assert issued.json()["token_type"] == "Bearer"
    assert issued.json()["access_token"] in emulator.issued_tokens
    assert emulator.token_exchanges == [{"iss": "svc"}]
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


def test_unknown_path_is_404(emulator):
    assert requests.get(emulator.origin + "/v1/nope", timeout=5).status_code == 404


def test_stop_closes_kept_alive_connections():
    emulator = FcmEmulator().start()
    session = requests.Session()
    url = f"{emulator.origin}/v1/projects/p1/messages:send"
    assert session.post(url, json={"message": {"token": "t"}}, headers=AUTH).ok

    emulator.stop()

    with pytest.raises(requests.ConnectionError):
        session.post(url, json={"message": {"token": "t"}}, headers=AUTH, timeout=2)


def test_cli_help_is_the_docstring():
    result = CliRunner().invoke(fcm_emulator_command, ["--help"])

    assert result.exit_code == 0
    assert "Run a local FCM HTTP v1 emulator" in result.output
    assert "--port" in result.output and "9099" in result.output


def test_cli_serves_until_sigterm():
    code = "from opsx_api.push.emulator import fcm_emulator_command as c; c()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": ROOT},
    )
    try:
        line = process.stdout.readline()
        origin = line.split(" on ")[1].split()[0]
        response = requests.post(
            f"{origin}/v1/projects/p/messages:send",
            json={"message": {"token": "t"}},
            headers=AUTH,
            timeout=5,
        )
        assert response.status_code == 200
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - started < 3
    finally:
        if process.poll() is None:
            process.kill()
