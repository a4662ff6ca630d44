"""The one place OpsX talks to FCM: pyfcm, hardened for an outbox worker.

Stock pyfcm 2.1.1 retries 503s for ~8 minutes inside urllib3, sleeps and recurses
on every `Retry-After`, and raises errors without FCM's error code. `HardenedFCM`
keeps pyfcm for payloads and OAuth credentials but makes exactly one HTTP attempt
per `send()`, never sleeps, and returns a classified `SendResult`; the worker owns
retries and backoff.
"""

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import google.auth.credentials
import google.auth.exceptions
import google.auth.transport.requests
import pyfcm
import requests
from google.oauth2 import service_account
from requests.adapters import HTTPAdapter
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

from opsx_api.push.fcm_result import SendResult, classify, parse_retry_after

__all__ = [
    "FCM_SCOPE",
    "EmulatorCredentials",
    "HardenedFCM",
    "SendResult",
    "build_fcm_client",
    "classify",
    "parse_retry_after",
]

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_RESERVED_DATA = {"from", "notification", "message_type"}
_BAD_URL = (InvalidURL, InvalidSchema, MissingSchema)


class EmulatorCredentials(google.auth.credentials.Credentials):
    """Credentials for the FCM emulator: a fixed local token, no network at all."""

    def refresh(self, request: Any) -> None:
        """Set a local bearer token valid for a year."""
        self.token = "emulator-token"
        # google-auth compares against naive UTC datetimes.
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.expiry = now + dt.timedelta(days=365)


class HardenedFCM(pyfcm.FCMNotification):
    """pyfcm with one attempt per send, a short timeout and classified results.

    Safe to share between threads: pyfcm keeps one requests session per thread,
    and the credentials are refreshed under a lock (google-auth's are not
    thread-safe). Only `send()` is supported; pyfcm's `notify()` keeps raising
    pyfcm errors but also makes a single attempt.
    """

    def __init__(
        self,
        project_id: str,
        credentials: google.auth.credentials.Credentials,
        *,
        endpoint: str | None = None,
        timeout: float = 5.0,
        pool_size: int = 32,
    ) -> None:
        # One adapter is shared by every thread's session: size its pool for the
        # worker's threads, and never let urllib3 retry (pyfcm's default would).
        adapter = HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=pool_size)
        super().__init__(
            project_id=project_id, credentials=credentials, adapter=adapter
        )
        if endpoint:
            self.FCM_END_POINT_BASE = endpoint.rstrip("/") + "/v1/projects"
        self.timeout = timeout
        self._credentials_lock = threading.Lock()
        self._rejected_token: str | None = None
        # requests' default adapter makes no retries; google-auth's own loop is
        # cut short by _OneShotRequest.
        self._token_request = _OneShotRequest(requests.Session(), timeout)
        # Resolve proxy/CA environment once: requests re-scans os.environ on every
        # request, a quarter of a send's CPU time.
        self._env = requests.Session().merge_environment_settings(
            self.fcm_end_point, {}, None, None, None
        )

    @property
    def fcm_end_point(self) -> str:
        """The send URL; the configured project wins over the credentials' one."""
        # pyfcm prefers credentials.project_id, so a service-account file from
        # another project would silently redirect every push.
        return f"{self.FCM_END_POINT_BASE}/{self._project_id}/messages:send"

    @property
    def requests_session(self) -> requests.Session:
        """pyfcm's per-thread session, with the environment already resolved."""
        session = super().requests_session
        session.trust_env = False
        return session

    def _get_access_token(self) -> str:
        # pyfcm refreshes on every call (a token exchange per request); refresh
        # only when the token is stale or FCM rejected it, one thread at a time.
        with self._credentials_lock:
            credentials = self.credentials
            if not credentials.valid or credentials.token == self._rejected_token:
                credentials.refresh(self._token_request)
                self._rejected_token = None
            return credentials.token

    def send_request(
        self, payload: Any = None, timeout: Any = None
    ) -> requests.Response:
        """POST once: no Retry-After sleep, no recursion, no redirects.

        `timeout` is ignored: pyfcm's `notify()` passes 120 s, this class's is short.
        """
        headers = self.request_headers()
        response = self.requests_session.post(
            self.fcm_end_point,
            data=payload,
            headers=headers,
            timeout=(self.timeout, self.timeout),
            allow_redirects=False,
            **self._env,
        )
        # A 401 from Google's front end means our OAuth token was refused: get a
        # new one next time. THIRD_PARTY_AUTH_ERROR (APNs/web push keys) is also a
        # 401 but refreshing would not help, and would hammer the token endpoint.
        if response.status_code == 401 and "THIRD_PARTY" not in response.text:
            with self._credentials_lock:
                self._rejected_token = headers["Authorization"].removeprefix("Bearer ")
        return response

    def send_async_request(self, params_list: Any, timeout: Any) -> Any:
        """Disabled: pyfcm's aiohttp path bypasses every guarantee of this class."""
        raise NotImplementedError("use HardenedFCM.send from worker threads")

    def send(
        self,
        token: str,
        *,
        title: str | None = None,
        body: str | None = None,
        data: dict[str, str] | None = None,
        collapse_key: str | None = None,
        android_ttl_seconds: int | None = None,
    ) -> SendResult:
        """Send one push to one device token, in exactly one HTTP attempt.

        Never raises for FCM, HTTP or credential errors: see `SendResult.outcome`.
        Bad arguments (empty token, non-string data values, reserved data keys,
        negative TTL) raise ValueError/TypeError before anything is sent.
        """
        if not isinstance(token, str) or not token:
            raise ValueError("token must be a non-empty string")
        _check_data(data or {})
        android, apns = _platform_options(collapse_key, android_ttl_seconds)
        payload = self.parse_payload(
            fcm_token=token,
            notification_title=title,
            notification_body=body,
            data_payload=data or None,
            android_config=android,
            apns_config=apns,
        )
        try:
            response = self.send_request(payload)
        except google.auth.exceptions.TransportError as exc:
            return SendResult("retry", detail=f"token endpoint: {_short(exc)}")
        except google.auth.exceptions.GoogleAuthError as exc:
            return SendResult("config_error", detail=f"credentials: {_short(exc)}")
        except _BAD_URL as exc:
            return SendResult("config_error", detail=f"endpoint: {_short(exc)}")
        except requests.Timeout:
            return SendResult("retry", detail=f"timeout after {self.timeout}s")
        except requests.RequestException as exc:
            return SendResult("retry", detail=f"connection: {type(exc).__name__}")
        return classify(response.status_code, response.text, response.headers, token)


def _check_data(data: dict[str, str]) -> None:
    # FCM answers 400 to non-string values and reserved keys; fail before sending.
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"data[{key!r}] must be str -> str, got {type(value)}")
        if key in _RESERVED_DATA or key.startswith(("google.", "gcm.")):
            raise ValueError(f"data key {key!r} is reserved by FCM")


def _platform_options(collapse_key: str | None, ttl: int | None) -> tuple[Any, Any]:
    android: dict[str, Any] = {}
    apns: dict[str, Any] = {}
    if collapse_key:
        android["collapse_key"] = collapse_key
        apns["headers"] = {"apns-collapse-id": collapse_key}
    if ttl is not None:
        if ttl < 0:
            raise ValueError("android_ttl_seconds must be >= 0")
        android["ttl"] = f"{int(ttl)}s"
    return android or None, apns or None


class _OneShotRequest(google.auth.transport.requests.Request):
    """google-auth transport with a short timeout that never sleeps.

    A 429/5xx from the token endpoint raises TransportError instead of entering
    google-auth's own retry loop (3 attempts with sleeps, under our lock).
    """

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session)
        self._timeout = timeout

    def __call__(  # type: ignore[override]  # google-auth's stubs name more params
        self, url: str, method: str = "GET", **kwargs: Any
    ) -> Any:
        kwargs["timeout"] = self._timeout
        response = super().__call__(url, method, **kwargs)
        if response.status == 429 or response.status >= 500:
            raise google.auth.exceptions.TransportError(
                f"token endpoint answered HTTP {response.status}"
            )
        return response


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def build_fcm_client(
    project_id: str,
    endpoint: str | None,
    credentials_file: str | None,
    timeout: float = 5.0,
    *,
    pool_size: int = 32,
) -> HardenedFCM:
    """Build the worker's FCM client from configuration; nothing is sent.

    `endpoint` is the FCM origin (unset: Google). A service-account file is
    loaded now, so a bad path fails at startup; its `token_uri` is honoured.
    Without a file, `EmulatorCredentials` are used, which only an emulator accepts.
    """
    if not project_id:
        raise ValueError("an FCM project id is required")
    if endpoint and not endpoint.startswith(("http://", "https://")):
        raise ValueError(f"FCM endpoint must be an http(s) origin, got {endpoint!r}")
    credentials: google.auth.credentials.Credentials
    if credentials_file:
        if not Path(credentials_file).is_file():
            raise ValueError(f"FCM credentials file not found: {credentials_file}")
        credentials = service_account.Credentials.from_service_account_file(
            credentials_file, scopes=[FCM_SCOPE]
        )
    elif endpoint:
        credentials = EmulatorCredentials()
    else:
        raise ValueError("FCM credentials are required to reach Google's FCM")
    return HardenedFCM(
        project_id, credentials, endpoint=endpoint, timeout=timeout, pool_size=pool_size
    )
