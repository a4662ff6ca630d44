"""The changes feed: a phone that follows it holds exactly the live set."""

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsx_api import db
from opsx_api.services import prospects
from tests.factories import assert_error
from tests.prospects.conftest import API
from tests.prospects.helpers import insert_prospects

CHANGES = f"{API}/changes"


class Phone:
    """A phone's local copy, kept up to date by following the changes feed."""

    def __init__(self, client, headers, limit=3):
        self.client, self.headers, self.limit = client, headers, limit
        self.copy: dict[str, dict] = {}
        self.cursor: str | None = None

    def sync(self) -> int:
        """Follow the feed until `has_more` is false; the number of requests."""
        requests = 0
        while True:
            query = {"limit": self.limit}
            if self.cursor:
                query["since"] = self.cursor
            response = self.client.get(
                CHANGES, query_string=query, headers=self.headers
            )
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            requests += 1
            for change in page["changes"]:
                if change["op"] == "upsert":
                    self.copy[change["prospect"]["id"]] = change["prospect"]
                else:
                    assert change["op"] == "delete" and set(change) == {"op", "id"}
                    self.copy.pop(change["id"], None)
            assert page["next_cursor"]
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return requests


def _live(client, headers) -> dict[str, dict]:
    found, cursor = {}, None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get(API, query_string=query, headers=headers).get_json()
        found.update((item["id"], item) for item in page["data"])
        cursor = page["next_cursor"]
        if not cursor:
            return found


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.text("abc xyz", min_size=1, max_size=6)),
        st.tuples(st.just("update"), st.integers(0, 20)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("sync"), st.just(0)),
    ),
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_following_the_feed_reproduces_the_live_set(client, factory, ops):
    tenant = factory.company(members=1)
    headers = tenant.member_headers
    ids: list[str] = []
    steady = Phone(client, headers)  # syncs now and then, like a real phone
    for op, arg in ops:
        if op == "create":
            ids.append(
                client.post(API, json={"name": f"P {arg}"}, headers=headers).get_json()[
                    "id"
                ]
            )
        elif op == "sync":
            steady.sync()
        elif ids:
            url = f"{API}/{ids[arg % len(ids)]}"
            if op == "update":
                client.patch(url, json={"name": f"Edited {arg}"}, headers=headers)
            else:
                client.delete(url, headers=headers)
    live = _live(client, headers)
    fresh = Phone(client, headers)
    fresh.sync()
    steady.sync()
    assert fresh.copy == live
    assert steady.copy == live


def test_a_week_offline_catches_up_in_a_few_requests(app, client, tenant):
    phone = Phone(client, tenant.member_headers, limit=1000)
    phone.sync()
    ids = insert_prospects(app, tenant, 1500)
    for prospect_id in ids[:3]:
        client.delete(f"{API}/{prospect_id}", headers=tenant.member_headers)
    assert phone.sync() == 2
    assert len(phone.copy) == 1497


def test_a_first_sync_leaves_out_tombstones_later_syncs_carry_them(
    client, tenant, create
):
    gone = create(tenant.member_headers, name="Gone")
    kept = create(tenant.member_headers, name="Kept")
    client.delete(f"{API}/{gone['id']}", headers=tenant.member_headers)
    first = client.get(CHANGES, headers=tenant.member_headers).get_json()
    assert [c["op"] for c in first["changes"]] == ["upsert"]
    assert first["changes"][0]["prospect"]["id"] == kept["id"]
    assert first["has_more"] is False
    client.delete(f"{API}/{kept['id']}", headers=tenant.member_headers)
    query = {"since": first["next_cursor"]}
    later = client.get(CHANGES, query_string=query, headers=tenant.member_headers)
    assert later.get_json()["changes"] == [{"op": "delete", "id": kept["id"]}]
    cursor = later.get_json()["next_cursor"]
    again = client.get(
        CHANGES, query_string={"since": cursor}, headers=tenant.member_headers
    )
    assert again.get_json() == {"changes": [], "next_cursor": cursor, "has_more": False}


def test_changes_limit_above_the_maximum_is_capped(app, client, tenant):
    insert_prospects(app, tenant, 1001)
    response = client.get(
        CHANGES, query_string={"limit": 50000}, headers=tenant.member_headers
    )
    assert response.status_code == 200
    assert len(response.get_json()["changes"]) == 1000
    assert response.get_json()["has_more"] is True


@pytest.mark.parametrize("since", ["%%%", "bm9wZQ", "WyJ4Il0", "WyItMSJd", "W10"])
def test_changes_with_a_malformed_cursor_is_400(client, tenant, since):
    response = client.get(
        CHANGES, query_string={"since": since}, headers=tenant.member_headers
    )
    assert_error(response, 400, "invalid_cursor")


def test_changes_without_token_is_401(client):
    assert client.get(CHANGES).status_code == 401


def test_changes_with_a_bad_limit_is_422(client, tenant):
    response = client.get(
        CHANGES, query_string={"limit": "many"}, headers=tenant.member_headers
    )
    assert_error(response, 422, "validation_error")


def test_a_late_commit_is_not_skipped_by_the_feed(postgresql_only, app, client, tenant):
    """A writer that took its sequence number first but commits last is still seen."""
    headers = tenant.member_headers
    start = client.get(CHANGES, headers=headers).get_json()["next_cursor"]
    allocated, release = threading.Event(), threading.Event()
    answers = {}

    def slow_writer():
        with app.app_context():
            prospects.create({"name": "Slow"}, actor=tenant.actor(tenant.member))
            allocated.set()
            release.wait(10)
            db.session().commit()

    def fast_writer():
        worker = app.test_client()
        answers["fast"] = worker.post(API, json={"name": "Fast"}, headers=headers)

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert allocated.wait(10)
    fast = threading.Thread(target=fast_writer)
    fast.start()
    time.sleep(0.3)  # real time: give the fast writer every chance to overtake
    assert "fast" not in answers  # it waits for the slow one's counter lock
    between = client.get(CHANGES, query_string={"since": start}, headers=headers)
    assert between.get_json()["changes"] == []
    release.set()
    slow.join()
    fast.join()
    assert answers["fast"].status_code == 201
    after = client.get(CHANGES, query_string={"since": start}, headers=headers)
    names = [c["prospect"]["name"] for c in after.get_json()["changes"]]
    assert names == ["Slow", "Fast"]
