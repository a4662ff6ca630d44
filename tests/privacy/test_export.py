"""`GET /me/export`: everything about me, nothing about a neighbour, no secret."""

import json

from sqlalchemy import select

from models import DeviceSession, User
from opsx_api import db
from tests.factories import assert_error
from tests.privacy.helpers import API, login_from


def export(client, login):
    return client.get(f"{API}/me/export", headers=login.headers)


def test_export_holds_every_category_about_me_and_nothing_of_a_neighbour(
    factory, client, app
):
    company = factory.company()
    admin = company.admin_login
    me = factory.make_user(company, name="Mira Exporter", email="mira@example.test")
    neighbour = factory.make_user(
        company, name="Nils Neighbour", email="nils@example.test"
    )
    mine = login_from(
        client, me, "198.51.100.41", device_name="Mira's phone", push_token="fcm-mira"
    )
    theirs = login_from(
        client,
        neighbour,
        "198.51.100.99",
        device_name="Nils' phone",
        push_token="fcm-n",
    )
    broadcast = client.post(
        f"{API}/admin/notifications",
        json={"title": "Shift change", "body": "See the board"},
        headers=admin.headers,
    )
    assert broadcast.status_code == 202
    client.post(f"{API}/auth/password-reset", json={"email": me.email})

    response = export(client, mine)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    document = json.loads(response.get_data())
    assert document["profile"]["email"] == "mira@example.test"
    assert document["profile"]["name"] == "Mira Exporter"
    [device] = document["devices_and_logins"]
    assert device["device"]["name"] == "Mira's phone"
    assert device["login_ip"] == "198.51.100.41"
    assert device["push_registered"] is True
    assert [n["title"] for n in document["notifications"]] == ["Shift change"]
    assert [e["kind"] for e in document["emails"]] == ["password_reset"]
    actions = {event["action"] for event in document["audit_events"]}
    assert {"auth.login", "user.created"} <= actions
    assert document["prospects"] == {"created": 0, "assigned": 0}
    text = response.get_data(as_text=True)
    for neighbours in ("Nils", "nils@example.test", "198.51.100.99", theirs.device_id):
        assert neighbours not in text
    with app.app_context():
        user = db.session().get(User, me.id)
        session = db.session().scalar(
            select(DeviceSession).where(DeviceSession.user_id == me.id)
        )
        secrets = [user.password_hash, session.refresh_token_hash, "fcm-mira"]
    secrets += [mine.refresh, mine.access]
    for secret in secrets:
        assert secret not in text


def test_export_needs_a_token(client):
    assert client.get(f"{API}/me/export").status_code == 401


def test_a_support_session_has_no_export(factory, kit, client):
    entry = kit.enter(factory.company(), "write")
    response = client.get(f"{API}/me/export", headers=entry.headers)
    assert_error(response, 403, "forbidden")
