"""What a push carries, per notification (documented in docs/decisions/push.md).

Inbox notifications show their title and body; a notification outside the inbox
(`session_revoked`) is data-only, for the app to act on silently. `data` always
holds `kind`, `notification_id` and the notification's own data, every value a
string as FCM requires.
"""

import json
from typing import Any

from opsx_api.push.claim import Job

# FCM refuses these data keys; the payload's own keys always win over the data's.
_RESERVED = frozenset({"from", "notification", "message_type"})
_RESERVED_PREFIXES = ("google.", "gcm.")


def message_for(job: Job) -> dict[str, Any]:
    """Keyword arguments for `HardenedFCM.send` (all but the token)."""
    data = {
        str(key): _as_text(value)
        for key, value in job.data.items()
        if str(key) not in _RESERVED and not str(key).startswith(_RESERVED_PREFIXES)
    }
    data["kind"] = job.kind
    data["notification_id"] = str(job.notification_id)
    message: dict[str, Any] = {"data": data, "collapse_key": job.collapse_key}
    if job.in_inbox and (job.title or job.body):
        message["title"] = job.title
        message["body"] = job.body
    return message


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
