"""Listing: filters, keyset pages, the limit cap and malformed cursors."""

import pytest

from tests.factories import assert_error
from tests.prospects.conftest import API
from tests.prospects.helpers import insert_prospects


def test_list_is_newest_first_in_keyset_pages(app, client, tenant):
    ids = insert_prospects(app, tenant, 5)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(API, query_string=query, headers=tenant.member_headers)
        assert page.status_code == 200
        body = page.get_json()
        seen += [item["id"] for item in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(i) for i in reversed(ids)]


def test_list_limit_above_the_maximum_is_capped(app, client, tenant):
    insert_prospects(app, tenant, 105)
    page = client.get(API, query_string={"limit": 1000}, headers=tenant.member_headers)
    assert page.status_code == 200
    assert len(page.get_json()["data"]) == 100
    assert page.get_json()["next_cursor"]


@pytest.mark.parametrize("cursor", ["garbage!", "bm90IGpzb24", "WzFd", "WyJ4IiwieSJd"])
def test_list_with_a_malformed_cursor_is_400(client, tenant, cursor):
    response = client.get(
        API, query_string={"cursor": cursor}, headers=tenant.member_headers
    )
    assert_error(response, 400, "invalid_cursor")


def test_list_with_a_bad_filter_is_422(client, tenant):
    for query in ({"status": "sold"}, {"assigned_to": "someone"}, {"limit": 0}):
        response = client.get(API, query_string=query, headers=tenant.member_headers)
        assert_error(response, 422, "validation_error")


def test_list_without_token_is_401(client):
    assert client.get(API).status_code == 401


def test_list_filters_by_status_and_assignee(client, tenant, create):
    mine = create(tenant.admin_headers, name="Mine", assigned_to=str(tenant.member.id))
    won = create(tenant.admin_headers, name="Won", status="won")
    admins = create(
        tenant.admin_headers, name="Admin's", assigned_to=str(tenant.admin.id)
    )

    def names(headers=tenant.member_headers, **query):
        response = client.get(API, query_string=query, headers=headers)
        assert response.status_code == 200, response.get_json()
        return sorted(item["name"] for item in response.get_json()["data"])

    assert names(status="won") == [won["name"]]
    assert names(assigned_to="me") == [mine["name"]]
    assert names(assigned_to="me", headers=tenant.admin_headers) == [admins["name"]]
    assert names(assigned_to=str(tenant.admin.id)) == [admins["name"]]
    assert names(assigned_to="none") == [won["name"]]
    assert names(status="won", assigned_to="me") == []
