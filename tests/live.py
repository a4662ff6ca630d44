"""Plain HTTP against a served app (gunicorn, `make run`): no test client."""

import json
import urllib.error
import urllib.request


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    """POST `body` as JSON; (status, parsed answer or {})."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw) if raw else {}
