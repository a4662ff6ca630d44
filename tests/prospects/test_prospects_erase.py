"""Erasure on a person's request, and the retention purge of deleted prospects."""

import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from models import AuditEvent, IdempotencyKey, Notification, Prospect, ProspectNote
from opsx_api import clock, db
from opsx_api.services import prospects
from tests.factories import assert_error
from tests.prospects.conftest import API

PERSON = {
    "name": "Erin Erasable",
    "phone": "+1 555 0142",
    "email": "erin@example.test",
    "address": "42 Private Lane",
    "location": {"lat": 12.5, "lng": 45.25},
    "fields": {"birthday": "1990-01-01"},
    "external_id": "crm-erin",
}
SECRETS = ("Erin", "555 0142", "erin@", "Private Lane", "1990-01-01", "crm-erin")


def _row(app, prospect_id):
    with app.app_context():
        return db.session().get(Prospect, uuid.UUID(prospect_id))


def test_erase_removes_personal_data_and_notes(app, client, tenant, create):
    made = create(tenant.admin_headers, assigned_to=str(tenant.member.id), **PERSON)
    url = f"{API}/{made['id']}"
    note = {"body": "Erin said call back"}
    assert (
        client.post(
            f"{url}/notes", json=note, headers=tenant.member_headers
        ).status_code
        == 201
    )
    response = client.post(f"{url}/erase", headers=tenant.admin_headers)
    assert response.status_code == 204
    assert client.get(url, headers=tenant.admin_headers).status_code == 404
    row = _row(app, made["id"])
    assert row.name == "" and row.fields == {}
    assert (row.phone, row.email, row.address, row.external_id) == (None,) * 4
    assert (row.lat, row.lng) == (None, None)
    assert row.deleted_at is not None and row.erased_at is not None
    with app.app_context():
        assert db.session().scalars(select(ProspectNote)).all() == []
        pushes = db.session().scalars(select(Notification)).all()
        events = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.action == "prospect.erased"))
            .all()
        )
    assert [(n.kind, n.body) for n in pushes] == [("prospect_assigned", None)]
    assert len(events) == 1
    assert events[0].target_id == made["id"]
    assert events[0].details == {
        "notes_removed": 1,
        "notifications_redacted": 1,
        "replays_redacted": 0,
    }
    trail = json.dumps([e.details for e in _all_events(app)])
    assert not any(secret in trail for secret in SECRETS)


def _all_events(app):
    with app.app_context():
        return db.session().scalars(select(AuditEvent)).all()


def test_an_erased_prospect_is_a_delete_in_the_feed(client, tenant, create):
    made = create(tenant.admin_headers, **PERSON)
    start = client.get(f"{API}/changes", headers=tenant.member_headers).get_json()
    client.post(f"{API}/{made['id']}/erase", headers=tenant.admin_headers)
    query = {"since": start["next_cursor"]}
    feed = client.get(
        f"{API}/changes", query_string=query, headers=tenant.member_headers
    )
    assert feed.get_json()["changes"] == [{"op": "delete", "id": made["id"]}]
    assert "Erin" not in feed.get_data(as_text=True)


def test_erase_works_on_a_deleted_prospect_and_twice(app, client, tenant, create):
    made = create(tenant.admin_headers, **PERSON)
    url = f"{API}/{made['id']}"
    client.delete(url, headers=tenant.admin_headers)
    assert client.post(f"{url}/erase", headers=tenant.admin_headers).status_code == 204
    assert client.post(f"{url}/erase", headers=tenant.admin_headers).status_code == 204
    assert _row(app, made["id"]).email is None
    with app.app_context():
        erased = (
            db.session()
            .scalars(select(AuditEvent).where(AuditEvent.action == "prospect.erased"))
            .all()
        )
    assert len(erased) == 1


def test_members_may_not_erase(client, tenant, create):
    made = create(tenant.admin_headers)
    response = client.post(f"{API}/{made['id']}/erase", headers=tenant.member_headers)
    assert_error(response, 403, "forbidden")


def test_erase_without_token_is_401(client, tenant, create):
    made = create(tenant.admin_headers)
    assert client.post(f"{API}/{made['id']}/erase").status_code == 401


def test_purge_scrubs_prospects_deleted_long_ago(app, client, tenant, create):
    old = create(tenant.admin_headers, **PERSON)
    client.post(
        f"{API}/{old['id']}/notes", json={"body": "x"}, headers=tenant.admin_headers
    )
    client.delete(f"{API}/{old['id']}", headers=tenant.admin_headers)
    clock.advance(timedelta(days=31))
    tenant.relogin()
    recent = create(tenant.admin_headers, name="Recent", email="recent@example.test")
    client.delete(f"{API}/{recent['id']}", headers=tenant.admin_headers)
    with app.app_context(), db.unit_of_work():
        assert prospects.purge(dry_run=True) == {
            "idempotency_keys": 0,
            "prospects_scrubbed": 1,
        }
        assert prospects.purge()["prospects_scrubbed"] == 1
        assert prospects.purge()["prospects_scrubbed"] == 0
        assert db.session().scalars(select(ProspectNote)).all() == []
    assert _row(app, old["id"]).email is None
    assert _row(app, old["id"]).erased_at is not None
    assert _row(app, recent["id"]).email == "recent@example.test"


def test_replaying_the_create_after_erasure_returns_no_personal_data(
    app, client, tenant
):
    headers = {**tenant.admin_headers, "Idempotency-Key": "create-erin-1"}
    made = client.post(API, json=PERSON, headers=headers)
    assert made.status_code == 201
    erased = client.post(f"{API}/{made.get_json()['id']}/erase", headers=headers)
    assert erased.status_code == 204

    replay = client.post(API, json=PERSON, headers=headers)

    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["id"] == made.get_json()["id"]  # not created again
    text = replay.get_data(as_text=True)
    assert not [secret for secret in SECRETS if secret in text]
    with app.app_context():
        assert len(db.session().scalars(select(Prospect)).all()) == 1


def test_erasure_purges_the_stored_replays_of_its_notes(app, client, tenant, create):
    made = create(tenant.admin_headers, **PERSON)
    notes = f"{API}/{made['id']}/notes"
    headers = {**tenant.member_headers, "Idempotency-Key": "note-erin-1"}
    note = {"body": "Erin's new number is 555 0199"}
    assert client.post(notes, json=note, headers=headers).status_code == 201
    client.post(f"{API}/{made['id']}/erase", headers=tenant.admin_headers)

    retry = client.post(notes, json=note, headers=headers)

    assert retry.status_code == 404
    assert "555 0199" not in retry.get_data(as_text=True)
    with app.app_context():
        stored = db.session().scalars(select(IdempotencyKey.response_body)).all()
    assert not [body for body in stored if "555 0199" in json.dumps(body)]
