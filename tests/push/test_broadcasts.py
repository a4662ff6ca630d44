"""POST/GET /admin/notifications: company broadcasts and their delivery counts."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from models import AuditEvent, Notification
from opsx_api import clock, db

URL = "/api/v1/admin/notifications"


def broadcast(client, login, **body):
    return client.post(URL, json=body, headers=login.headers)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_broadcast_reaches_every_active_user_and_counts_match_the_emulator(
    factory, app, client, deliver, emulator, monkeypatch
):
    monkeypatch.setitem(app.config, "PUSH_MAX_ATTEMPTS", 1)
    company = factory.company()
    admin = company.admin_login  # no push token
    members = [factory.make_user(company) for _ in range(6)]
    for n, member in enumerate(members[:5]):
        factory.login(member, push_token=f"cast-{n}")
    leaver = factory.make_user(company)
    factory.login(leaver, push_token="cast-leaver")
    client.post(f"/api/v1/admin/users/{leaver.id}/deactivate", headers=admin.headers)
    emulator.set_unregistered("cast-3")
    emulator.script("cast-4", [{"status": 503}])

    response = broadcast(client, admin, title="All hands", body="Friday, 9am")

    assert response.status_code == 202
    queued = response.get_json()
    assert queued["recipients"] == 7  # the admin and six members; not the leaver
    assert queued["queued"] == 5  # the members with a registered phone
    deliver()
    report = client.get(f"{URL}/{queued['id']}", headers=admin.headers).get_json()
    assert report["counts"] == {
        "queued": 0,
        "sent": 3,
        "invalid_token": 1,
        "failed": 1,
        "cancelled": 0,
    }
    delivered = [
        m
        for m in emulator.messages
        if m["message"]["data"].get("broadcast_id") == queued["id"]
    ]
    assert len(delivered) == report["counts"]["sent"]
    assert {m["message"]["notification"]["title"] for m in delivered} == {"All hands"}
    assert (report["title"], report["recipients"], report["pushes"]) == (
        "All hands",
        7,
        5,
    )
    no_phone = factory.login(members[5])
    inbox = client.get("/api/v1/me/notifications", headers=no_phone.headers)
    assert [n["title"] for n in inbox.get_json()["data"]] == ["All hands"]


def test_broadcast_to_chosen_users_only_skipping_deactivated_ones(
    factory, app, client, deliver, emulator
):
    company = factory.company()
    admin = company.admin_login
    chosen, other = factory.make_user(company), factory.make_user(company)
    factory.login(chosen, push_token="chosen-phone")
    factory.login(other, push_token="other-phone")
    leaver = factory.make_user(company)
    client.post(f"/api/v1/admin/users/{leaver.id}/deactivate", headers=admin.headers)

    response = broadcast(
        client,
        admin,
        title="Just you",
        body="Call the office",
        user_ids=[str(chosen.id), str(chosen.id), str(leaver.id)],
    )

    assert response.status_code == 202
    assert response.get_json()["recipients"] == 1
    assert response.get_json()["queued"] == 1
    deliver()
    assert [m["token"] for m in emulator.messages] == ["chosen-phone"]
    with app.app_context():
        event = db.session().scalar(
            select(AuditEvent).where(AuditEvent.action == "notification.broadcast")
        )
        assert event.actor_id == admin.user.id
        assert event.details == {"recipients": 1, "queued": 1}


def test_broadcast_to_a_user_of_another_company_is_422(factory, client, app):
    company, other = factory.make_client(), factory.make_client()
    admin = factory.login(factory.admin_of(company))
    mine, theirs = factory.make_user(company), factory.make_user(other)

    response = broadcast(
        client,
        admin,
        title="Hi",
        body="x",
        user_ids=[str(mine.id), str(theirs.id), str(uuid.uuid4())],
    )

    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert set(response.get_json()["error"]["details"]["user_ids"]) == {"1", "2"}
    with app.app_context():
        assert db.session().scalar(select(Notification.id)) is None


def test_broadcast_body_is_validated(factory, client):
    admin = factory.company().admin_login
    bad_bodies = [
        {"title": "", "body": "x"},
        {"title": "   ", "body": "x"},
        {"body": "no title"},
        {"title": "no body"},
        {"title": "t" * 201, "body": "x"},
        {"title": "t", "body": "b" * 2001},
        {"title": "t", "body": "x", "user_ids": []},
        {"title": "t", "body": "x", "user_ids": ["not-a-uuid"]},
        {"title": "t", "body": "x", "kind": "session_revoked"},
    ]
    for body in bad_bodies:
        response = broadcast(client, admin, **body)
        assert response.status_code == 422, body
        assert error_code(response) == "validation_error"


def test_broadcast_needs_a_token_and_the_admin_role(factory, client):
    company = factory.make_client()
    member = factory.login(factory.make_user(company))
    admin = factory.login(factory.admin_of(company))
    sent = broadcast(client, admin, title="t", body="b").get_json()

    anonymous = client.post(URL, json={"title": "t", "body": "b"})
    assert anonymous.status_code == 401
    assert client.get(f"{URL}/{sent['id']}").status_code == 401
    forbidden = broadcast(client, member, title="t", body="b")
    assert forbidden.status_code == 403 and error_code(forbidden) == "forbidden"
    read = client.get(f"{URL}/{sent['id']}", headers=member.headers)
    assert read.status_code == 403


def test_another_companys_broadcast_is_404(factory, client):
    mine, theirs = factory.make_client(), factory.make_client()
    admin = factory.login(factory.admin_of(mine))
    their_admin = factory.login(factory.admin_of(theirs))
    sent = broadcast(client, their_admin, title="t", body="b").get_json()

    response = client.get(f"{URL}/{sent['id']}", headers=admin.headers)

    assert response.status_code == 404 and error_code(response) == "not_found"
    missing = client.get(f"{URL}/{uuid.uuid4()}", headers=admin.headers)
    assert missing.status_code == 404
    listed = client.get(URL, headers=admin.headers).get_json()
    assert listed == {"data": [], "next_cursor": None}


def test_broadcasts_are_listed_newest_first_with_counts(factory, client):
    admin = factory.company().admin_login
    first = broadcast(client, admin, title="First", body="b").get_json()
    clock.advance(timedelta(seconds=1))
    second = broadcast(client, admin, title="Second", body="b").get_json()

    page = client.get(f"{URL}?limit=1", headers=admin.headers).get_json()
    assert [b["id"] for b in page["data"]] == [second["id"]]
    rest = client.get(
        f"{URL}?limit=1&cursor={page['next_cursor']}", headers=admin.headers
    ).get_json()
    assert [b["id"] for b in rest["data"]] == [first["id"]]
    assert rest["data"][0]["counts"]["queued"] == 0
    assert rest["data"][0]["recipients"] == 1  # the admin alone
