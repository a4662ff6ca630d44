"""GET /me/notifications and POST /me/notifications/{id}/read: my inbox."""

import uuid
from datetime import timedelta

from opsx_api import clock
from tests.factories import assert_error
from tests.push.helpers import notify

URL = "/api/v1/me/notifications"


def test_inbox_lists_my_notifications_newest_first_in_pages(factory, app, client):
    company = factory.make_client()
    me = factory.make_user(company)
    login = factory.login(me, push_token="my-phone")
    ids = []
    for n in range(3):
        ids.append(str(notify(app, me, title=f"Number {n}")))
        clock.advance(timedelta(seconds=1))
    notify(app, factory.make_user(company), title="Not mine")

    first = client.get(f"{URL}?limit=2", headers=login.headers).get_json()
    second = client.get(
        f"{URL}?limit=2&cursor={first['next_cursor']}", headers=login.headers
    ).get_json()

    assert [n["id"] for n in first["data"] + second["data"]] == ids[::-1]
    assert second["next_cursor"] is None
    item = first["data"][0]
    assert item["title"] == "Number 2" and item["kind"] == "prospect_assigned"
    assert item["read"] is False and item["read_at"] is None


def test_sign_out_signals_are_not_in_the_inbox(factory, app, client):
    me = factory.make_user(factory.make_client(policy="replace"))
    factory.login(me, push_token="old-phone")
    login = factory.login(me, push_token="new-phone")  # replaces: signal queued

    inbox = client.get(URL, headers=login.headers).get_json()

    assert inbox == {"data": [], "next_cursor": None}


def test_marking_read_is_idempotent_and_filters_unread(factory, app, client):
    me = factory.make_user(factory.make_client())
    login = factory.login(me)
    read_id, unread_id = notify(app, me), notify(app, me)

    for _ in range(2):
        response = client.post(f"{URL}/{read_id}/read", headers=login.headers)
        assert response.status_code == 204

    unread = client.get(f"{URL}?unread=true", headers=login.headers).get_json()
    assert [n["id"] for n in unread["data"]] == [str(unread_id)]
    everything = client.get(URL, headers=login.headers).get_json()["data"]
    read = next(n for n in everything if n["id"] == str(read_id))
    assert read["read"] is True and read["read_at"]


def test_someone_elses_notification_is_404(factory, app, client):
    company = factory.make_client()
    login = factory.login(factory.make_user(company))
    theirs = notify(app, factory.make_user(company))

    response = client.post(f"{URL}/{theirs}/read", headers=login.headers)

    assert_error(response, 404, "not_found")
    missing = client.post(f"{URL}/{uuid.uuid4()}/read", headers=login.headers)
    assert missing.status_code == 404


def test_inbox_needs_a_token(factory, app, client):
    me = factory.make_user(factory.make_client())
    notification_id = notify(app, me)

    assert client.get(URL).status_code == 401
    response = client.post(f"{URL}/{notification_id}/read")
    assert_error(response, 401, "unauthorized")


def test_bad_inbox_arguments_are_422(factory, client):
    login = factory.login(factory.make_user(factory.make_client()))

    for query in ("limit=0", "unread=maybe"):
        response = client.get(f"{URL}?{query}", headers=login.headers)
        assert_error(response, 422, "validation_error")
    bad_cursor = client.get(f"{URL}?cursor=%%%", headers=login.headers)
    assert bad_cursor.get_json()["error"]["code"] == "invalid_cursor"
