"""Idempotency-Key: a retried create makes one prospect and replays the answer."""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from models import IdempotencyKey, Prospect
from opsx_api import clock, db
from opsx_api.services import idempotency
from tests.factories import assert_error
from tests.prospects.conftest import API


def _post(client, headers, key, **body):
    body.setdefault("name", "Retry Ray")
    return client.post(API, json=body, headers={**headers, "Idempotency-Key": key})


def _count(app, model=Prospect) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model))


def test_same_key_and_body_replays_the_first_answer(app, client, tenant):
    first = _post(client, tenant.member_headers, "k-1", phone="555 0101")
    second = _post(client, tenant.member_headers, "k-1", phone="555 0101")
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(app) == 1


def test_replay_is_the_first_answer_even_after_a_later_edit(client, tenant):
    first = _post(client, tenant.member_headers, "k-edit")
    url = first.headers["Location"]
    client.patch(url, json={"name": "Edited"}, headers=tenant.member_headers)
    again = _post(client, tenant.member_headers, "k-edit")
    assert again.get_json()["name"] == "Retry Ray"
    assert again.headers["ETag"] == first.headers["ETag"]


def test_same_key_with_another_body_is_422(app, client, tenant):
    assert _post(client, tenant.member_headers, "k-2").status_code == 201
    response = _post(client, tenant.member_headers, "k-2", name="Someone Else")
    assert_error(response, 422, "idempotency_key_reused")
    assert _count(app) == 1


def test_json_key_order_and_spacing_do_not_make_another_body(app, client, tenant):
    headers = {**tenant.member_headers, "Idempotency-Key": "k-order"}
    for raw in (
        '{"name": "A", "phone": "555 0100"}',
        '{"phone":"555 0100","name":"A"}',
    ):
        response = client.post(
            API, data=raw, headers=headers, content_type="application/json"
        )
        assert response.status_code == 201
    assert _count(app) == 1


def test_another_users_identical_key_is_independent(app, client, tenant):
    mine = _post(client, tenant.member_headers, "shared-key")
    theirs = _post(client, tenant.admin_headers, "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]
    assert _count(app) == 2


def test_a_failed_request_does_not_use_up_its_key(app, client, tenant, other):
    stranger = str(other.member.id)
    failed = _post(client, tenant.member_headers, "k-fail", assigned_to=stranger)
    assert failed.status_code == 422
    assert failed.get_json()["error"]["details"]["assigned_to"]
    response = _post(client, tenant.member_headers, "k-fail")
    assert response.status_code == 201
    assert _count(app) == 1


def test_a_malformed_key_is_400(client, tenant):
    for key in ("x" * 256, "has space", "é"):
        response = client.post(
            API,
            json={"name": "A"},
            headers={**tenant.member_headers, "Idempotency-Key": key},
        )
        assert_error(response, 400, "invalid_idempotency_key")


def test_keys_expire_after_24_hours_and_are_purged(app, client, tenant):
    assert _post(client, tenant.member_headers, "k-day").status_code == 201
    clock.advance(timedelta(hours=23))
    tenant.relogin()
    assert _post(client, tenant.member_headers, "k-day").headers.get(
        "Idempotent-Replayed"
    )
    assert _post(client, tenant.member_headers, "k-other").status_code == 201
    clock.advance(timedelta(hours=2))
    tenant.relogin()
    with app.app_context(), db.unit_of_work():
        assert idempotency.purge_expired(dry_run=True) == 1
        assert idempotency.purge_expired() == 1
        assert idempotency.purge_expired() == 0
    assert _count(app, IdempotencyKey) == 1
    fresh = _post(client, tenant.member_headers, "k-day")
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert _count(app) == 3


def test_an_expired_key_not_yet_purged_is_free_again(app, client, tenant):
    assert _post(client, tenant.member_headers, "k-late").status_code == 201
    clock.advance(timedelta(hours=25))
    tenant.relogin()
    fresh = _post(client, tenant.member_headers, "k-late", name="Another")
    assert fresh.status_code == 201
    assert _count(app) == 2


def test_concurrent_creates_with_one_key_make_one_prospect(
    postgresql_only, app, tenant
):
    threads, answers = 8, []
    barrier = threading.Barrier(threads)

    def send():
        worker = app.test_client()  # each request pushes its own app context
        barrier.wait()
        response = _post(worker, tenant.member_headers, "k-race", phone="555 0199")
        answers.append((response.status_code, response.get_json(), response.headers))

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert {status for status, _, _ in answers} == {201}
    assert len({body["id"] for _, body, _ in answers}) == 1
    assert len({headers["ETag"] for _, _, headers in answers}) == 1
    assert sum("Idempotent-Replayed" not in h for _, _, h in answers) == 1
    assert _count(app) == 1
