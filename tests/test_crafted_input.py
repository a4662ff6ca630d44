"""Crafted input answers 4xx with a clear code, never 500, on SQLite and PostgreSQL.

NUL and unpaired surrogates anywhere in JSON text, absurd nesting, and dates or
cursors whose values no database or `datetime` can hold.
"""

import base64
import json
import logging

import pytest

from tests.test_errors import assert_envelope

PROSPECTS = "/api/v1/prospects"
AUDIT = "/api/v1/admin/audit-events"


@pytest.fixture
def admin(factory):
    company = factory.make_client()
    return factory.login(factory.admin_of(company))


def post_raw(client, path, text, headers):
    return client.post(
        path, data=text.encode(), content_type="application/json", headers=headers
    )


def cursor_of(values) -> str:
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Ada", "fields": {"note": "a\\u0000b"}}',
        '{"name": "Ada", "fields": {"tags": ["ok", "\\u0000"]}}',
        '{"name": "Ada", "address": "1 Road\\u0000"}',
    ],
)
def test_nul_in_a_custom_field_or_any_text_is_400_invalid_text(client, admin, text):
    response = post_raw(client, PROSPECTS, text, admin.headers)
    assert_envelope(response, 400, "invalid_text")
    assert response.get_json()["error"]["details"]["at"].startswith("$.")


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "\\ud800"}',
        '{"name": "Ada", "fields": {"note": "x\\udfff"}}',
        '{"name": "Ada", "fields": {"\\ud800": "key"}}',
        '{"name": "Ada", "email": "\\udc00@example.test"}',
    ],
)
def test_lone_surrogate_in_any_text_is_400_invalid_text(client, admin, text):
    response = post_raw(client, PROSPECTS, text, admin.headers)
    assert_envelope(response, 400, "invalid_text")


def test_lone_surrogate_in_a_note_is_400_invalid_text(client, admin):
    prospect = client.post(PROSPECTS, json={"name": "Ada"}, headers=admin.headers)
    notes = f"{PROSPECTS}/{prospect.get_json()['id']}/notes"
    response = post_raw(client, notes, '{"body": "hi \\ud83d"}', admin.headers)
    assert_envelope(response, 400, "invalid_text")


def test_nul_in_a_query_parameter_is_400_invalid_text(client, admin):
    response = client.get(
        AUDIT, query_string={"action": "x\x00"}, headers=admin.headers
    )
    assert_envelope(response, 400, "invalid_text")


def test_json_nested_5000_deep_is_400_json_too_deep(client, admin):
    deep = "[" * 5000 + "]" * 5000
    assert_envelope(
        post_raw(client, PROSPECTS, deep, admin.headers), 400, "json_too_deep"
    )
    nested = '{"a":' * 5000 + "1" + "}" * 5000
    assert_envelope(
        post_raw(client, PROSPECTS, nested, admin.headers), 400, "json_too_deep"
    )


def test_json_just_past_the_depth_bound_is_400_json_too_deep(client, admin):
    from opsx_api.request_body import MAX_JSON_DEPTH

    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    response = post_raw(client, PROSPECTS, deep, admin.headers)
    assert_envelope(response, 400, "json_too_deep")


def test_deep_json_sent_to_the_csv_import_is_refused_not_500(client, admin):
    deep = "[" * 5000 + "]" * 5000
    headers = {**admin.headers, "Idempotency-Key": "deep-json-1"}
    response = post_raw(client, f"{PROSPECTS}/import", deep, headers)
    assert_envelope(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
)
def test_out_of_range_since_is_422(client, admin, since):
    response = client.get(AUDIT, query_string={"since": since}, headers=admin.headers)
    assert_envelope(response, 422, "validation_error")
    assert "since" in response.get_json()["error"]["details"]


@pytest.mark.parametrize(
    "cursor",
    [
        cursor_of(
            ["0001-01-01T00:00:00+14:00", "0b8c7d5e-1f2a-4b3c-8d9e-0f1a2b3c4d5e"]
        ),
        cursor_of(
            ["9999-12-31T23:59:59-14:00", "0b8c7d5e-1f2a-4b3c-8d9e-0f1a2b3c4d5e"]
        ),
        base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode(),
    ],
)
def test_out_of_range_or_deep_list_cursor_is_400_invalid_cursor(client, admin, cursor):
    for path in (PROSPECTS, AUDIT):
        response = client.get(
            path, query_string={"cursor": cursor}, headers=admin.headers
        )
        assert_envelope(response, 400, "invalid_cursor")


@pytest.mark.parametrize("seq", [2**63, 10**40, -(2**70)])
def test_out_of_range_changes_cursor_is_400_invalid_cursor(client, admin, seq):
    response = client.get(
        f"{PROSPECTS}/changes",
        query_string={"since": cursor_of([str(seq)])},
        headers=admin.headers,
    )
    assert_envelope(response, 400, "invalid_cursor")


def test_unhandled_error_log_has_no_sql_parameters_or_personal_data(
    app, client, admin, caplog, monkeypatch
):
    from sqlalchemy import text

    from opsx_api import db
    from opsx_api.services import prospects

    def failing_create(data, *, actor):
        # A real driver error: a dict cannot be bound as a parameter.
        db.session().execute(text("SELECT :who"), {"who": {"name": data["name"]}})

    monkeypatch.setattr(prospects, "create", failing_create)
    body = {"name": "Ada Lovelace", "email": "ada@example.test"}
    with caplog.at_level(logging.INFO, logger="opsx"):
        response = client.post(PROSPECTS, json=body, headers=admin.headers)
    assert_envelope(response, 500, "internal_error")
    logged = [r for r in caplog.records if r.name == "opsx.errors"]
    assert logged, "the 500 is logged"
    formatter = logging.getLogger("opsx").handlers[0].formatter
    text_logged = "\n".join(formatter.format(r) for r in logged)
    assert "Ada Lovelace" not in text_logged
    assert "parameters" not in text_logged
    assert "failing_create" in text_logged  # where it failed is still there
    assert "StatementError" in text_logged or "Error" in text_logged
