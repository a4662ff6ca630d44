"""The compiled renderer of prospect pages writes exactly what marshmallow dumps."""

import json
import string
import uuid
from collections import namedtuple
from datetime import datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_dump
from sqlalchemy import bindparam, select

from models import Prospect
from models.base import UTCDateTime
from opsx_api import db
from opsx_api.prepared import ReadQuery, as_iso, as_text
from opsx_api.render import compile_dump, dumps
from opsx_api.schemas.prospects import ProspectSchema
from opsx_api.services.prospects import listing
from tests.prospects.conftest import API

Row = namedtuple("Row", [column.key for column in listing.LISTED])

schema = ProspectSchema()
render = compile_dump(schema)

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
maybe_text = st.none() | text
maybe_uuid = st.none() | st.uuids()
coordinate = st.none() | st.floats(allow_nan=False, allow_infinity=False)
json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
custom_fields = st.dictionaries(
    st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=8),
    json_scalar | st.lists(json_scalar, max_size=4),
    max_size=5,
)
zones = st.sampled_from(
    [
        timezone.utc,
        timezone(timedelta(hours=2)),
        timezone(timedelta(hours=-5, minutes=-30)),
    ]
)
moments = st.builds(
    lambda moment, zone, whole: (
        (moment.replace(microsecond=0) if whole else moment)
        .replace(tzinfo=timezone.utc)
        .astimezone(zone)
    ),
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30)),
    zones,
    st.booleans(),
)
rows = st.builds(
    Row,
    id=st.uuids(),
    name=text,
    phone=maybe_text,
    email=maybe_text,
    status=st.sampled_from(["new", "contacted", "qualified", "won", "lost"]),
    assigned_to=maybe_uuid,
    address=maybe_text,
    lat=coordinate,
    lng=coordinate,
    fields=custom_fields,
    external_id=maybe_text,
    version=st.integers(min_value=1, max_value=2**31),
    created_by=maybe_uuid,
    created_at=moments,
    updated_at=moments,
)


@settings(max_examples=300, deadline=None)
@given(page=st.lists(rows, max_size=5))
def test_rendered_json_equals_the_marshmallow_dump(page):
    rendered = json.loads(dumps({"data": [render(row) for row in page]}))
    assert rendered == {"data": schema.dump(page, many=True)}


def in_utc(row: Row) -> Row:
    """The row as psycopg2 parses it on the reader (its time zone is UTC)."""
    return row._replace(
        created_at=row.created_at.astimezone(timezone.utc),
        updated_at=row.updated_at.astimezone(timezone.utc),
    )


def as_read_on_postgresql(row: Row) -> Row:
    """The row as a page query reads it there: UUIDs and timestamps as text,
    fields unparsed (listing.AS_TEXT, FRAGMENTS, AS_ISO; as_iso's text is
    isoformat's in UTC, test_as_iso_writes_what_isoformat_writes)."""
    return row._replace(
        id=str(row.id),
        assigned_to=None if row.assigned_to is None else str(row.assigned_to),
        created_by=None if row.created_by is None else str(row.created_by),
        fields=orjson.Fragment(json.dumps(row.fields)),
        created_at=row.created_at.astimezone(timezone.utc).isoformat(),
        updated_at=row.updated_at.astimezone(timezone.utc).isoformat(),
    )


@settings(max_examples=300, deadline=None)
@given(page=st.lists(rows, max_size=5))
def test_rows_read_as_text_render_as_marshmallow_dumps_them_parsed(page):
    """The page query's shape on PostgreSQL (listing.AS_TEXT, FRAGMENTS, AS_ISO)."""
    read = [as_read_on_postgresql(row) for row in page]
    rendered = json.loads(dumps({"data": [render(row) for row in read]}))
    parsed = [in_utc(row) for row in page]
    assert rendered == {"data": schema.dump(parsed, many=True)}


ISO_TEXT = ReadQuery(
    select(as_iso(bindparam("moment", type_=UTCDateTime())).label("text"))
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(moment=moments)
@example(moment=datetime(2026, 12, 2, 3, 19, 30, tzinfo=timezone.utc))
@example(moment=datetime(2026, 12, 2, 3, 19, 30, 1, tzinfo=timezone.utc))
@example(moment=datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=timezone.utc))
@example(moment=datetime(1970, 1, 2, 0, 0, 0, 100000, tzinfo=timezone.utc))
def test_as_iso_writes_what_isoformat_writes(app, postgresql_only, moment):
    """PostgreSQL's text of a timestamp (prepared.as_iso) is isoformat's in UTC."""
    with app.app_context():
        [row] = ISO_TEXT.all({"moment": moment})
    assert row.text == moment.astimezone(timezone.utc).isoformat()


@settings(max_examples=50, deadline=None)
@given(row=rows)
def test_keys_come_in_the_schema_order(row):
    assert list(render(row)) == list(schema.dump(row))


def test_a_page_from_the_database_renders_as_marshmallow_dumps_it(
    app, client, tenant, create
):
    headers = tenant.member_headers
    create(headers, name="Plain")
    create(
        headers,
        name="Ada \u00e9\u4e2d \U0001f600",
        phone="+1 555 0100",
        email="ada@example.test",
        address="1 Loop Road",
        location={"lat": 51.5, "lng": -0.1},
        fields={"score": 7, "tags": ["a", "b"], "big": 2**70, "ok": True},
        assigned_to=str(tenant.member.id),
        external_id="CRM-1",
    )
    body = client.get(API, headers=headers).get_json()
    with app.app_context():
        page = listing.list_prospects(
            tenant.client.id, {"limit": 50}, user_id=tenant.member.id
        )
        ids = [uuid.UUID(str(row.id)) for row in page.items]
        objects = {
            prospect.id: prospect
            for prospect in db.session().scalars(
                select(Prospect).where(Prospect.id.in_(ids))
            )
        }
        expected = schema.dump([objects[key] for key in ids], many=True)
        db.session().rollback()
    assert len(ids) == 2
    assert body == {"data": expected, "next_cursor": None}


def test_fields_it_cannot_compile_are_refused_at_startup():
    class WithMethod(Schema):
        shout = fields.Method("upper")

        def upper(self, obj):
            return obj.name.upper()

    class WithHook(Schema):
        name = fields.String()

        @post_dump
        def _strip(self, data, **_kwargs):
            return data

    for unsupported in (WithMethod(), WithHook()):
        with pytest.raises(TypeError):
            compile_dump(unsupported)


def test_an_integer_orjson_refuses_falls_back_to_the_standard_encoder():
    payload = {
        "id": uuid.UUID(int=1),
        "n": 2**70,
        "at": datetime(2026, 1, 1, tzinfo=timezone.utc),
    }
    assert json.loads(dumps(payload)) == {
        "id": "00000000-0000-0000-0000-000000000001",
        "n": 2**70,
        "at": "2026-01-01T00:00:00+00:00",
    }


def test_an_object_missing_an_attribute_dumps_as_marshmallow_does():
    class Partial:
        id = uuid.UUID(int=7)
        name = "Partial"
        version = 2
        lat = lng = None

    rendered = json.loads(dumps(render(Partial())))
    assert rendered == schema.dump(Partial())
    assert "email" not in rendered and rendered["etag"].endswith('.2"')


def test_an_object_missing_an_attribute_with_unparsed_fields_dumps_them_as_they_are():
    """The field-by-field fallback passes a Fragment on, as the generated path does."""

    class Partial:
        id = str(uuid.UUID(int=9))
        name = "Partial"
        version = 3
        lat = lng = None
        fields = orjson.Fragment('{"score": 7}')

    rendered = json.loads(dumps(render(Partial())))
    assert rendered["fields"] == {"score": 7}
    assert rendered["etag"] == f'"{uuid.UUID(int=9).hex}.3"'
    assert "email" not in rendered


@pytest.mark.parametrize("read_as", [as_text, as_iso])
def test_a_column_read_in_another_form_keeps_the_statement_cacheable(read_as):
    # Without a cache key SQLAlchemy compiles the statement on every run (the
    # SQLite path runs these as ordinary Core queries).
    statement = select(read_as(Prospect.__table__.c.created_at))

    assert statement._generate_cache_key() is not None
