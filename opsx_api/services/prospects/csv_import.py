"""Import prospects from CSV (company admins): good rows in, bad rows reported.

Natural key, so importing the same file twice creates nothing the second time:
a row updates the live prospect with its `id`; else the one with its
`external_id`; else (when the row has no `external_id`, or no prospect has it
yet) the one prospect with its `email`, else with its `phone`, among those
without an `external_id`. No match: a new prospect. Empty cells leave a value
alone. A row that changes nothing counts as `unchanged`. Typed custom field
values survive a round trip through a spreadsheet; new ones come in as text.
"""

import csv
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from marshmallow import ValidationError

from models import Prospect, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.clock import utcnow
from opsx_api.domain.prospects import CustomFields, ProspectCreateSchema
from opsx_api.errors import FieldLimitExceeded, PayloadTooLarge
from opsx_api.services import audit, outbox
from opsx_api.services.prospects import core, sync
from opsx_api.services.prospects.csv_format import (
    COLUMNS,
    FIELD_PREFIX,
    READ_ONLY,
    field_cell,
    unneutralise,
)
from opsx_api.services.prospects.csv_match import Matcher, Row
from opsx_api.services.prospects.csv_users import UserDirectory
from opsx_api.services.prospects.erasure import ASSIGNED_KIND
from opsx_api.services.prospects.field_limits import ClientFieldKeys

_schema = ProspectCreateSchema()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def import_csv(body: bytes, *, actor: Actor) -> ImportResult:
    """Import in the current transaction (the caller commits); the receipt."""
    client_id = actor.tenant_id
    result = ImportResult()
    rows = _parse_all(body, UserDirectory(client_id), result)
    matcher = Matcher(client_id, rows)
    keys = ClientFieldKeys(client_id)
    created: list[Prospect] = []
    changed: dict[uuid.UUID, Prospect] = {}
    assigned: dict[uuid.UUID, list[Prospect]] = defaultdict(list)
    with db.session().no_autoflush:
        for row in rows:
            try:
                _apply_row(
                    row, matcher, keys, actor, result, created, changed, assigned
                )
            except ValidationError as exc:
                result.errors.append({"row": row.line, "errors": exc.messages})
            except FieldLimitExceeded as exc:
                errors = {"fields": [exc.message], "limit": exc.details}
                result.errors.append({"row": row.line, "errors": errors})
    _save(client_id, created, list(changed.values()))
    for user, prospects in assigned.items():
        _notify(user, prospects, actor)
    result.errors.sort(key=lambda error: error["row"])
    details = {k: v for k, v in vars(result).items() if k != "errors"}
    audit.record(
        "prospect.imported",
        client_id=client_id,
        actor=actor,
        details={**details, "errors": len(result.errors)},
    )
    return result


def _apply_row(
    row: Row,
    matcher: Matcher,
    keys: ClientFieldKeys,
    actor: Actor,
    result: ImportResult,
    created: list[Prospect],
    changed: dict[uuid.UUID, Prospect],
    assigned: dict[uuid.UUID, list[Prospect]],
) -> None:
    target = matcher.match(row)
    if target is None:
        keys.admit(row.data.get("fields") or {})
        prospect = Prospect(
            id=uuid.uuid4(),
            client_id=actor.tenant_id,
            status="new",
            fields={},
            version=1,
            created_by=actor.user_id,
        )
        core.apply_changes(prospect, row.data)
        created.append(prospect)
        matcher.remember(prospect)
        result.created += 1
        if prospect.assigned_to:
            assigned[prospect.assigned_to].append(prospect)
        return
    data = dict(row.data)
    data["fields"] = _merged_fields(target.fields, row.raw_fields)
    if data["fields"] != target.fields:
        keys.admit(data["fields"])
    before = target.assigned_to
    if not core.apply_changes(target, data):
        result.unchanged += 1
        return
    result.updated += 1
    matcher.rekey(target)
    if target not in created:
        changed[target.id] = target
    if target.assigned_to and target.assigned_to != before:
        assigned[target.assigned_to].append(target)


def _merged_fields(current: dict[str, Any], raw: dict[str, str]) -> dict[str, Any]:
    """The row's custom fields over the current ones, typed values kept as is."""
    merged = dict(current)
    for key, text in raw.items():
        if key not in merged or field_cell(merged[key]) != text:
            merged[key] = text
    if merged == current:
        return current
    try:
        fields: dict[str, Any] = CustomFields().deserialize(merged)
        return fields
    except ValidationError as exc:
        raise ValidationError({"fields": exc.messages}) from None


def _save(
    client_id: uuid.UUID, created: list[Prospect], changed: list[Prospect]
) -> None:
    if not created and not changed:
        return
    now = utcnow()
    seq = sync.allocate(client_id, len(created) + len(changed))
    for offset, prospect in enumerate([*changed, *created]):
        prospect.change_seq = seq + offset
        prospect.updated_at = now
        if prospect in changed:
            prospect.version += 1
        else:
            prospect.created_at = now
    db.session().add_all(created)
    core.flush_unique_external_id()


def _notify(assignee_id: uuid.UUID, prospects: list[Prospect], actor: Actor) -> None:
    """One push per assignee and import, not one per row.

    Several prospects: title "N prospects assigned to you", no body (no
    personal data), data {count, prospect_ids (the first 100), assigned_by}.
    """
    assignee = db.session().get_one(User, assignee_id)
    by = actor.user_id
    if len(prospects) == 1:
        core.notify_assignee(prospects[0], assignee, actor)
    elif assignee.id != by:
        outbox.notify_user(
            assignee,
            ASSIGNED_KIND,
            title=f"{len(prospects)} prospects assigned to you",
            data={
                "count": len(prospects),
                "prospect_ids": [str(p.id) for p in prospects[:100]],
                "assigned_by": None if by is None else str(by),
            },
        )


def _parse_all(body: bytes, users: UserDirectory, result: ImportResult) -> list[Row]:
    """Every non-blank row validated; `row` is its first line in the file."""
    reader, header = _open(body)
    limit = current_app.config["IMPORT_MAX_ROWS"]
    rows: list[Row] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(rows) + len(result.errors) >= limit:
                    raise PayloadTooLarge(f"At most {limit} rows per import.")
                try:
                    rows.append(_parse(line, header, cells, users))
                except ValidationError as exc:
                    result.errors.append({"row": line, "errors": exc.messages})
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError({"file": [f"Line {line}: {exc}"]}) from None
    return rows


def _open(body: bytes) -> tuple[Any, list[str]]:
    """The csv reader (its `line_num` names rows) and the normalised header."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
    if "\x00" in text:
        raise ValidationError({"file": ["The file is not CSV text."]})
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [_column(name) for name in next(reader, [])]
    problems = [f"Unknown column {n!r}." for n in header if not _known(n)]
    problems += [
        f"Column {n!r} appears twice." for n in set(header) if header.count(n) > 1
    ]
    if "name" not in header:
        problems.append("The header row needs a 'name' column.")
    if problems:
        raise ValidationError({"columns": problems})
    return reader, header


def _column(name: str) -> str:
    name = name.strip()
    if name.lower().startswith(FIELD_PREFIX):
        return FIELD_PREFIX + name[len(FIELD_PREFIX) :]
    return name.lower()


def _known(name: str) -> bool:
    custom = name.startswith(FIELD_PREFIX) and len(name) > len(FIELD_PREFIX)
    return name in COLUMNS or name in READ_ONLY or custom


def _parse(line: int, header: list[str], cells: list[str], users: UserDirectory) -> Row:
    if len(cells) > len(header):
        raise ValidationError({"row": ["More cells than columns."]})
    values = {n: unneutralise(c.strip()) for n, c in zip(header, cells, strict=False)}
    values = {n: v for n, v in values.items() if v and n not in READ_ONLY}
    raw_fields = {
        n[len(FIELD_PREFIX) :]: v
        for n, v in values.items()
        if n.startswith(FIELD_PREFIX)
    }
    body: dict[str, Any] = {n: v for n, v in values.items() if n in COLUMNS}
    errors: dict[str, Any] = {}
    row_id = _pop_id(body, errors)
    _location(body, errors)
    if "assigned_to" in body:
        body["assigned_to"] = users.resolve(body["assigned_to"], errors)
    if raw_fields:
        body["fields"] = raw_fields
    try:
        data = _schema.load(body)
    except ValidationError as exc:
        messages = exc.messages
        errors.update(messages if isinstance(messages, dict) else {"row": messages})
    if errors:
        raise ValidationError(errors)
    return Row(line, data, row_id, raw_fields)


def _pop_id(body: dict[str, Any], errors: dict[str, Any]) -> uuid.UUID | None:
    if "id" not in body:
        return None
    try:
        return uuid.UUID(body.pop("id"))
    except ValueError:
        errors["id"] = ["Not a valid id."]
        return None


def _location(body: dict[str, Any], errors: dict[str, Any]) -> None:
    lat, lng = body.pop("lat", None), body.pop("lng", None)
    if lat is None and lng is None:
        return
    if lat is None or lng is None:
        errors["location"] = ["Give both lat and lng, or neither."]
        return
    body["location"] = {"lat": lat, "lng": lng}
