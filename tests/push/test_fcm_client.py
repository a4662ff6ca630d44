"""HardenedFCM driven through pyfcm against the FCM emulator over real sockets."""

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyfcm.errors import FCMServerError

from opsx_api.push.emulator import FcmEmulator
from opsx_api.push.fcm_client import (
    FCM_SCOPE,
    HardenedFCM,
    build_fcm_client,
    parse_retry_after,
)

PROJECT = "opsx-test"


@pytest.fixture
def emulator() -> Iterator[FcmEmulator]:
    """A started FCM emulator on a free port, stopped afterwards."""
    with FcmEmulator() as running:
        yield running


@pytest.fixture
def fcm(emulator: FcmEmulator) -> HardenedFCM:
    """A HardenedFCM pointed at the emulator with emulator credentials."""
    return build_fcm_client(PROJECT, emulator.origin, None, timeout=2.0)


@pytest.fixture
def service_account_file(tmp_path: Path, emulator: FcmEmulator) -> str:
    """A real service-account JSON (fresh RSA key) whose token_uri is the emulator."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "some-other-project",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": "push@opsx-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": emulator.token_uri,
    }
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(info))
    return str(path)


def test_send_returns_message_id_and_records_exact_payload(emulator, fcm):
    result = fcm.send(
        "tok-1",
        title="New prospect",
        body="Ada was assigned to you",
        data={"kind": "prospect_assigned", "id": "42"},
        collapse_key="prospect-42",
        android_ttl_seconds=3600,
    )

    assert result.outcome == "sent"
    assert result.http_status == 200
    assert result.message_id.startswith(f"projects/{PROJECT}/messages/")
    [recorded] = emulator.messages
    assert recorded["name"] == result.message_id
    assert recorded["token"] == "tok-1"
    assert recorded["message"] == {
        "token": "tok-1",
        "notification": {"title": "New prospect", "body": "Ada was assigned to you"},
        "data": {"kind": "prospect_assigned", "id": "42"},
        "android": {"collapse_key": "prospect-42", "ttl": "3600s"},
        "apns": {"headers": {"apns-collapse-id": "prospect-42"}},
    }


def test_data_only_push_has_no_notification(emulator, fcm):
    assert fcm.send("tok-1", data={"type": "session_revoked"}).outcome == "sent"

    assert emulator.messages[0]["message"] == {
        "token": "tok-1",
        "data": {"type": "session_revoked"},
    }


@pytest.mark.parametrize(
    ("script", "outcome", "code"),
    [
        ({"error_code": "UNREGISTERED"}, "invalid_token", "UNREGISTERED"),
        ({"error_code": "SENDER_ID_MISMATCH"}, "invalid_token", "SENDER_ID_MISMATCH"),
        (
            {
                "error_code": "INVALID_ARGUMENT",
                "message": "The registration token is "
                "not a valid FCM registration token",
            },
            "invalid_token",
            "INVALID_ARGUMENT",
        ),
        ({"error_code": "INVALID_ARGUMENT"}, "failed", "INVALID_ARGUMENT"),
        ({"status": 500}, "retry", "INTERNAL"),
        ({"status": 502}, "retry", "UNKNOWN"),
        ({"status": 401}, "config_error", "UNAUTHENTICATED"),
        (
            {"error_code": "THIRD_PARTY_AUTH_ERROR"},
            "config_error",
            "THIRD_PARTY_AUTH_ERROR",
        ),
        ({"status": 403}, "config_error", "PERMISSION_DENIED"),
        ({"status": 409}, "failed", "UNKNOWN"),
    ],
)
def test_fcm_errors_are_classified(emulator, fcm, script, outcome, code):
    emulator.script("tok-1", [script])

    result = fcm.send("tok-1", title="hi")

    assert (result.outcome, result.error_code) == (outcome, code)
    assert result.message_id is None
    assert "tok-1" not in (result.detail or "")


def test_invalid_token_rejected_by_emulator_validation_is_invalid_token(emulator, fcm):
    result = fcm.send("has whitespace", title="hi")

    assert (result.outcome, result.http_status) == ("invalid_token", 400)


def test_unregistered_switch_answers_404_until_cleared(emulator, fcm):
    emulator.set_unregistered("tok-1")
    assert fcm.send("tok-1", title="hi").outcome == "invalid_token"

    emulator.set_unregistered("tok-1", False)
    assert fcm.send("tok-1", title="hi").outcome == "sent"


def test_503_is_retry_after_exactly_one_attempt(emulator, fcm):
    emulator.script("tok-1", [{"status": 503}])

    result = fcm.send("tok-1", title="hi")

    assert (result.outcome, result.error_code, result.http_status) == (
        "retry",
        "UNAVAILABLE",
        503,
    )
    assert emulator.attempts("tok-1") == 1
    assert emulator.messages == []


def test_429_reports_retry_after_and_returns_at_once(emulator, fcm):
    emulator.script("tok-1", [{"status": 429, "retry_after": 2}])

    started = time.monotonic()
    result = fcm.send("tok-1", title="hi")

    assert time.monotonic() - started < 1.0
    assert (result.outcome, result.error_code) == ("retry", "QUOTA_EXCEEDED")
    assert result.retry_after == 2.0
    assert emulator.attempts("tok-1") == 1


def test_stock_notify_also_makes_a_single_attempt(emulator, fcm):
    emulator.script("tok-1", [{"status": 503, "retry_after": 3}])

    started = time.monotonic()
    with pytest.raises(FCMServerError):
        fcm.notify(fcm_token="tok-1", notification_title="hi")

    assert time.monotonic() - started < 1.0
    assert emulator.attempts("tok-1") == 1


def test_retry_after_accepts_seconds_and_http_dates():
    later = datetime.now(UTC) + timedelta(seconds=30)

    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("1.5") == 1.5
    assert 28 <= parse_retry_after(format_datetime(later, usegmt=True)) <= 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_slow_answer_beyond_timeout_is_retry(emulator):
    fcm = build_fcm_client(PROJECT, emulator.origin, None, timeout=0.3)
    emulator.script("tok-1", [{"delay": 1.0}])

    started = time.monotonic()
    result = fcm.send("tok-1", title="hi")

    assert time.monotonic() - started < 0.9
    assert result.outcome == "retry"
    assert result.http_status is None
    assert emulator.attempts("tok-1") == 1


def test_unreachable_server_is_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fcm = build_fcm_client(PROJECT, f"http://127.0.0.1:{port}", None, timeout=0.5)

    assert fcm.send("tok-1", title="hi").outcome == "retry"


def test_emulator_down_is_retry(emulator, fcm):
    emulator.set_down()

    assert fcm.send("tok-1", title="hi").outcome == "retry"


def test_wrong_endpoint_path_is_config_error_not_invalid_token(emulator):
    fcm = build_fcm_client(PROJECT, emulator.origin + "/wrong", None)

    result = fcm.send("tok-1", title="hi")

    assert (result.outcome, result.http_status) == ("config_error", 404)


def test_non_string_data_is_rejected_before_sending(emulator, fcm):
    with pytest.raises(TypeError):
        fcm.send("tok-1", data={"count": 3})
    with pytest.raises(ValueError):
        fcm.send("tok-1", data={"from": "x"})

    assert emulator.attempts("tok-1") == 0


def test_service_account_exchanges_token_at_token_uri(emulator, service_account_file):
    fcm = build_fcm_client(PROJECT, emulator.origin, service_account_file)

    first = fcm.send("tok-1", title="hi")
    second = fcm.send("tok-2", title="hi")

    assert (first.outcome, second.outcome) == ("sent", "sent")
    # The configured project wins over the file's project_id.
    assert first.message_id.startswith(f"projects/{PROJECT}/messages/")
    [claims] = emulator.token_exchanges  # one exchange, the token is reused
    assert claims["scope"] == FCM_SCOPE
    # google-auth signs for Google's audience whatever the token_uri is.
    assert claims["aud"] == "https://oauth2.googleapis.com/token"
    assert claims["iss"] == "push@opsx-test.iam.gserviceaccount.com"
    bearers = {attempt.bearer for attempt in emulator.attempt_log()}
    assert bearers == set(emulator.issued_tokens)


def test_token_rejected_by_fcm_is_refreshed_on_next_send(
    emulator, service_account_file
):
    fcm = build_fcm_client(PROJECT, emulator.origin, service_account_file)
    emulator.script("tok-1", [{"status": 401}])

    assert fcm.send("tok-1", title="hi").outcome == "config_error"
    assert fcm.send("tok-1", title="hi").outcome == "sent"
    assert len(emulator.token_exchanges) == 2


def test_third_party_auth_error_does_not_refresh_the_oauth_token(
    emulator, service_account_file
):
    fcm = build_fcm_client(PROJECT, emulator.origin, service_account_file)
    emulator.script("tok-1", [{"error_code": "THIRD_PARTY_AUTH_ERROR"}] * 3)

    outcomes = {fcm.send("tok-1", title="hi").outcome for _ in range(3)}

    assert outcomes == {"config_error"}
    assert len(emulator.token_exchanges) == 1


def test_refused_token_exchange_is_config_error(emulator, service_account_file):
    emulator.set_token_exchange_failing()
    fcm = build_fcm_client(PROJECT, emulator.origin, service_account_file)

    result = fcm.send("tok-1", title="hi")

    assert result.outcome == "config_error"
    assert emulator.attempts("tok-1") == 0


def test_build_refuses_google_without_credentials():
    with pytest.raises(ValueError):
        build_fcm_client(PROJECT, None, None)
    with pytest.raises(ValueError):
        build_fcm_client(PROJECT, None, "/nonexistent/service-account.json")


def test_concurrent_sends_are_each_recorded_once(emulator, fcm):
    tokens = [f"tok-{n}" for n in range(500)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda t: fcm.send(t, data={"n": t}), tokens))

    assert {r.outcome for r in results} == {"sent"}
    assert len({r.message_id for r in results}) == 500
    assert sorted(m["token"] for m in emulator.messages) == sorted(tokens)
    assert set(emulator.attempt_counts().values()) == {1}
