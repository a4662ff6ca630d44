"""Custom fields are bounded per prospect and per client (422 field_limit_exceeded).

The issue's case: one member gave 300 prospects 50 new keys each, and the
admin's export grew to 15,013 columns. With the default budget of 200 keys per
client the fifth prospect with 50 new keys is refused.
"""

import csv
import io

import pytest

from tests.prospects.conftest import API
from tests.test_errors import assert_envelope

IMPORT, EXPORT = f"{API}/import", f"{API}/export"


def new_keys(prefix: str, count: int, value="v") -> dict:
    return {f"{prefix}{n}": value for n in range(count)}


@pytest.fixture
def limits(app):
    """Set `OPSX_FIELDS_*` limits for one test (the app is shared)."""
    saved = {k: v for k, v in app.config.items() if k.startswith("FIELDS_")}

    def set_limits(**values):
        app.config.update({f"FIELDS_{k.upper()}": v for k, v in values.items()})

    yield set_limits
    app.config.update(saved)


def refused(response, limit: str):
    assert_envelope(response, 422, "field_limit_exceeded")
    assert response.get_json()["error"]["details"]["limit"] == limit


def test_many_new_keys_per_prospect_exhaust_the_client_budget(client, tenant, create):
    for batch in range(4):
        create(tenant.member_headers, fields=new_keys(f"b{batch}_", 50))
    response = client.post(
        API,
        json={"name": "Fifth", "fields": new_keys("b4_", 50)},
        headers=tenant.member_headers,
    )
    refused(response, "keys_per_client")
    # Keys the company already uses are still welcome.
    create(tenant.member_headers, fields=new_keys("b0_", 50, value="again"))


def test_client_key_budget_applies_to_updates_and_is_per_client(
    client, tenant, other, create, limits
):
    limits(max_client_keys=6)
    prospect = create(tenant.member_headers, fields=new_keys("a", 4))
    path = f"{API}/{prospect['id']}"
    response = client.patch(
        path, json={"fields": new_keys("z", 3)}, headers=tenant.member_headers
    )
    refused(response, "keys_per_client")
    ok = client.patch(
        path, json={"fields": new_keys("z", 2)}, headers=tenant.member_headers
    )
    assert ok.status_code == 200, ok.get_json()
    create(other.member_headers, fields=new_keys("q", 6))  # another client's budget


@pytest.mark.parametrize(
    "fields, limit",
    [
        (new_keys("k", 51), "keys_per_prospect"),
        ({"k" * 65: 1}, "key_length"),
        ({"big": "x" * 1001}, "value_length"),
        ({"tags": ["ok", "x" * 1001]}, "value_length"),
    ],
)
def test_fields_over_the_default_limits_are_422(client, tenant, fields, limit):
    response = client.post(
        API, json={"name": "A", "fields": fields}, headers=tenant.member_headers
    )
    refused(response, limit)


def test_limits_are_settings(client, tenant, create, limits):
    limits(max_keys=2, key_max_length=3, value_max_length=5)
    create(tenant.member_headers, fields={"abc": "12345", "d": 1})
    for fields, limit in (
        ({"a": 1, "b": 2, "c": 3}, "keys_per_prospect"),
        ({"abcd": 1}, "key_length"),
        ({"a": "123456"}, "value_length"),
    ):
        response = client.post(
            API, json={"name": "A", "fields": fields}, headers=tenant.member_headers
        )
        refused(response, limit)
        assert response.get_json()["error"]["details"]["max"] in (2, 3, 5)


def test_csv_import_reports_rows_over_field_limits_and_keeps_good_ones(
    client, tenant, limits
):
    limits(max_client_keys=3, value_max_length=10)
    text = (
        "name,fields.a,fields.b,fields.c,fields.d\n"
        "Good One,1,2,,\n"
        "Too Long,,,0123456789x,\n"
        "Good Two,,,3,\n"
        "Over Budget,,,,4\n"
    )
    response = client.post(
        IMPORT,
        data=text.encode(),
        headers=tenant.admin_headers,
        content_type="text/csv",
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["created"] == 2
    by_row = {e["row"]: e["errors"] for e in result["errors"]}
    assert sorted(by_row) == [3, 5]
    assert by_row[3]["limit"]["limit"] == "value_length"
    assert by_row[5]["limit"]["limit"] == "keys_per_client"


def test_csv_export_streams_rows_in_chunks(app, client, tenant, create):
    from opsx_api.services.prospects.csv_export import CHUNK_ROWS
    from tests.prospects.helpers import insert_prospects

    insert_prospects(app, tenant, CHUNK_ROWS * 2 + 10)
    response = client.get(EXPORT, headers=tenant.admin_headers, buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    chunks = [chunk for chunk in response.response if chunk]
    assert len(chunks) >= 3
    rows = list(csv.reader(io.StringIO("".join(c.decode() for c in chunks))))
    assert len(rows) == 1 + CHUNK_ROWS * 2 + 10


def test_purge_forgets_keys_no_live_prospect_uses(app, client, tenant, create, limits):
    from admin.purge import run_purge

    limits(max_client_keys=4)
    kept = create(tenant.member_headers, fields={"keep": 1, "drop": 2})
    gone = create(tenant.member_headers, fields={"gone": 1, "also": 2})
    client.patch(
        f"{API}/{kept['id']}",
        json={"fields": {"keep": 1}},
        headers=tenant.member_headers,
    )
    client.delete(f"{API}/{gone['id']}", headers=tenant.member_headers)
    refused(
        client.post(
            API, json={"name": "N", "fields": {"new": 1}}, headers=tenant.member_headers
        ),
        "keys_per_client",
    )
    with app.app_context():
        report = dict(run_purge())
    assert report["unused custom field keys forgotten"] == 3
    create(tenant.member_headers, fields={"new": 1, "keep": 2, "x": 3, "y": 4})
