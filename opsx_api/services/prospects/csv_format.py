"""The prospects CSV format, shared by import and export.

Columns: `id`, `external_id`, `name`, `phone`, `email`, `status`, `address`,
`lat`, `lng`, `assigned_to` (a user's email, or id, on import), then
`version`, `created_at`, `updated_at` (written by export, ignored by import),
then one `fields.<key>` column per custom field.

Spreadsheet formula injection: a text cell starting with = + - @, a tab or a
carriage return is written with a leading apostrophe, which spreadsheets show
as text; import strips that apostrophe again, so a file round-trips. A valid
phone number (`+44 20 7946 0958`: the domain's rule, only digits, one leading
+, spaces and ( ) . - /) is written as it is: it holds no function name, cell
reference, DDE pipe or quote, so a spreadsheet cannot run anything from it, and
prefixing every international number would mangle the column people use most.
"""

import json
from typing import Any

from opsx_api.domain.prospects import is_phone_number

COLUMNS: tuple[str, ...] = ("id", "external_id", "name", "phone", "email", "status")
COLUMNS += ("address", "lat", "lng", "assigned_to")
READ_ONLY = ("version", "created_at", "updated_at")
FIELD_PREFIX = "fields."
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will never run as a formula."""
    if text.startswith(DANGEROUS) and not is_phone_number(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """The value behind a cell written by `neutralise`."""
    if text.startswith("'") and text[1:2] and text[1] in DANGEROUS:
        return text[1:]
    return text


def field_cell(value: Any) -> str:
    """A custom field's value as exported (before neutralising)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def cell(value: Any) -> str:
    """Any exported value as a safe cell; numbers are never neutralised."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    return neutralise(field_cell(value))
