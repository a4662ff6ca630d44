"""What a prospect may hold: the field rules the API and the CSV import share.

marshmallow is the one validator: these fields and input schemas are used by the
API's schemas (`opsx_api/schemas/prospects.py`) and by the CSV import service
alike, so a rule is written once and neither layer imports the other.
"""

import json
import math
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from models import PROSPECT_STATUSES
from opsx_api.schemas.common import NormalisedEmail, Text

FIELDS_MAX_BYTES = 8192
FIELD_LIST_MAX_ITEMS = 50
FIELD_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-/]{1,38}[0-9]\Z")


class CustomFields(fields.Dict):
    """The company's own fields: a flat JSON object of bounded size.

    Shape: keys are letters, digits, `_` or `-`; values are strings, finite
    numbers, booleans, null, or lists of those (50 items); 8 KiB of JSON at
    most, so one row never bloats a phone's sync. How many keys, how long a key
    or a text may be, and how many keys a client may use are configurable
    limits, checked by the service (`services/prospects/field_limits.py`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        errors = {}
        for key, item in value.items():
            problem = _key_problem(key) or _value_problem(item)
            if problem:
                errors[key] = [problem]
        if errors:
            raise ValidationError(errors)
        if len(json.dumps(value, separators=(",", ":"))) > FIELDS_MAX_BYTES:
            raise ValidationError(f"At most {FIELDS_MAX_BYTES} bytes of JSON.")
        return value


def _key_problem(key: str) -> str | None:
    if not FIELD_KEY.match(key):
        return "Keys are letters, digits, '_' or '-' (not starting with '-')."
    return None


def _value_problem(item, *, nested: bool = False) -> str | None:
    if isinstance(item, list) and not nested:
        if len(item) > FIELD_LIST_MAX_ITEMS:
            return f"Lists hold at most {FIELD_LIST_MAX_ITEMS} items."
        problems = (_value_problem(inner, nested=True) for inner in item)
        return next((p for p in problems if p), None)
    if item is None or isinstance(item, bool | str):
        return None
    if isinstance(item, int | float):
        return None if math.isfinite(item) else "Numbers must be finite."
    return "Values are strings, numbers, booleans, null or lists of those."


def is_phone_number(text: str) -> bool:
    """Digits, an optional leading +, spaces ( ) . - /, and at least 3 digits."""
    return bool(PHONE.match(text)) and sum(ch.isdigit() for ch in text) >= 3


class Phone(fields.String):
    """A phone number as people write it: digits, an optional +, spaces ( ) . - /."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not is_phone_number(text):
            raise ValidationError("Not a valid phone number.")
        return text


class ProspectLocationSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class ProspectUpdateSchema(Schema):
    """PATCH: every key optional; `null` clears an optional one. `fields` replaces."""

    name = Text(max_length=200)
    phone = Phone(allow_none=True)
    email = NormalisedEmail(allow_none=True)
    status = fields.String(validate=validate.OneOf(PROSPECT_STATUSES))
    assigned_to = fields.UUID(allow_none=True)
    address = Text(max_length=500, allow_none=True)
    location = fields.Nested(ProspectLocationSchema, allow_none=True)
    fields_ = CustomFields(data_key="fields", attribute="fields")
    external_id = Text(max_length=100, allow_none=True)


class ProspectCreateSchema(ProspectUpdateSchema):
    name = Text(max_length=200, required=True)
