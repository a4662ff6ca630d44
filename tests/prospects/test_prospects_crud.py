"""Create, read, list, update and delete: the happy paths and every refusal."""

import uuid

import pytest

from tests.factories import assert_error
from tests.prospects.conftest import API


def test_create_answers_201_with_etag_and_location(client, tenant):
    body = {
        "name": "  Ada Lovelace ",
        "phone": "+44 20 7946 0958",
        "email": "Ada@Example.TEST",
        "address": "1 Analytical Way",
        "location": {"lat": 51.5, "lng": -0.12},
        "fields": {"source": "fair", "score": 7, "tags": ["a", "b"], "vip": True},
        "external_id": "crm-1",
    }
    response = client.post(API, json=body, headers=tenant.member_headers)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["name"] == "Ada Lovelace"
    assert data["email"] == "ada@example.test"
    assert data["status"] == "new"
    assert data["version"] == 1
    assert data["location"] == {"lat": 51.5, "lng": -0.12}
    assert data["fields"] == body["fields"]
    assert data["created_by"] == str(tenant.member.id)
    assert response.headers["ETag"] == f'"{uuid.UUID(data["id"]).hex}.1"'
    assert data["etag"] == response.headers["ETag"]
    assert response.headers["Location"] == f"{API}/{data['id']}"


def test_create_without_token_is_401(client):
    response = client.post(API, json={"name": "X"})
    assert_error(response, 401, "unauthorized")


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "phone": "call me"}, "phone"),
        ({"name": "A", "status": "sold"}, "status"),
        ({"name": "A", "location": {"lat": 91, "lng": 0}}, "location"),
        ({"name": "A", "location": {"lat": 1}}, "location"),
        ({"name": "A", "fields": {"nested": {"a": 1}}}, "fields"),
        ({"name": "A", "fields": {"bad key!": 1}}, "fields"),
        ({"name": "A", "fields": {f"k{i}": "x" * 900 for i in range(10)}}, "fields"),
        ({"name": "A", "fields": [1, 2]}, "fields"),
        ({"name": "A", "id": str(uuid.uuid4())}, "id"),
        ({"name": "A", "version": 7}, "version"),
        ({"name": "A", "client_id": str(uuid.uuid4())}, "client_id"),
    ],
)
def test_create_with_a_bad_body_is_422(client, tenant, body, field):
    response = client.post(API, json=body, headers=tenant.member_headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]


def test_create_with_non_json_is_415(client, tenant):
    response = client.post(
        API, data="name=x", headers=tenant.member_headers, content_type="text/plain"
    )
    assert_error(response, 415, "unsupported_media_type")


def test_staff_without_a_client_are_forbidden_everywhere(
    client, factory, tenant, create
):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}"
    support = factory.make_user(None, role="support")
    headers = factory.login(support).headers
    calls = [
        ("get", API, None),
        ("post", API, {"name": "X"}),
        ("get", url, None),
        ("patch", url, {"name": "X"}),
        ("delete", url, None),
        ("get", f"{url}/notes", None),
        ("post", f"{url}/notes", {"body": "X"}),
        ("post", f"{url}/erase", None),
        ("get", f"{API}/changes", None),
        ("get", f"{API}/export", None),
        ("post", f"{API}/import", None),
    ]
    for method, path, body in calls:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert_error(response, 403, "forbidden")


def test_read_answers_the_prospect_with_its_etag(client, tenant, create):
    made = create(tenant.admin_headers, name="Grace")
    response = client.get(f"{API}/{made['id']}", headers=tenant.member_headers)
    assert response.status_code == 200
    assert response.get_json() == made
    assert response.headers["ETag"] == f'"{uuid.UUID(made["id"]).hex}.1"'


def test_read_without_token_is_401(client, tenant, create):
    made = create(tenant.admin_headers)
    response = client.get(f"{API}/{made['id']}")
    assert response.status_code == 401


def test_another_clients_prospect_is_404_everywhere(client, tenant, other, create):
    theirs = create(other.admin_headers, name="Secret Sam", email="sam@other.test")
    url = f"{API}/{theirs['id']}"
    headers = tenant.admin_headers
    assert client.get(url, headers=headers).status_code == 404
    response = client.patch(url, json={"name": "Mine"}, headers=headers)
    assert_error(response, 404, "not_found")
    assert client.delete(url, headers=headers).status_code == 404
    assert client.get(f"{url}/notes", headers=headers).status_code == 404
    response = client.post(f"{url}/notes", json={"body": "hi"}, headers=headers)
    assert response.status_code == 404
    assert client.post(f"{url}/erase", headers=headers).status_code == 404
    assert client.get(API, headers=headers).get_json()["data"] == []
    search = client.get(API, query_string={"q": "Sam"}, headers=headers)
    assert search.get_json()["data"] == []
    changes = client.get(f"{API}/changes", headers=headers).get_json()
    assert changes["changes"] == []
    export = client.get(f"{API}/export", headers=headers)
    assert export.status_code == 200
    assert "Sam" not in export.get_data(as_text=True)
    assert theirs["id"] not in export.get_data(as_text=True)
    other_view = client.get(url, headers=other.admin_headers)
    assert other_view.get_json()["name"] == "Secret Sam"


def test_unknown_prospect_is_404(client, tenant):
    response = client.get(f"{API}/{uuid.uuid4()}", headers=tenant.member_headers)
    assert_error(response, 404, "not_found")


def test_update_changes_fields_and_bumps_the_version(client, tenant, create):
    made = create(tenant.member_headers, name="Old", phone="555 0100")
    response = client.patch(
        f"{API}/{made['id']}",
        json={"name": "New", "phone": None, "status": "contacted", "fields": {"a": 1}},
        headers=tenant.member_headers,
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert (data["name"], data["phone"], data["status"]) == ("New", None, "contacted")
    assert data["fields"] == {"a": 1}
    assert data["version"] == 2
    assert response.headers["ETag"].endswith('.2"')


def test_update_that_changes_nothing_keeps_the_version(client, tenant, create):
    made = create(tenant.member_headers, name="Same")
    response = client.patch(
        f"{API}/{made['id']}", json={"name": "Same"}, headers=tenant.member_headers
    )
    assert response.status_code == 200
    assert response.get_json()["version"] == 1


def test_update_without_token_is_401(client, tenant, create):
    made = create(tenant.member_headers)
    assert client.patch(f"{API}/{made['id']}", json={"name": "x"}).status_code == 401


@pytest.mark.parametrize(
    "body",
    [{"name": None}, {"name": ""}, {"version": 9}, {"email": "nope"}, {"x": 1}],
)
def test_update_with_a_bad_body_is_422(client, tenant, create, body):
    made = create(tenant.member_headers)
    response = client.patch(
        f"{API}/{made['id']}", json=body, headers=tenant.member_headers
    )
    assert_error(response, 422, "validation_error")


def test_delete_hides_the_prospect_from_reads_and_lists(client, tenant, create):
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    response = client.delete(url, headers=tenant.member_headers)
    assert response.status_code == 204
    assert client.get(url, headers=tenant.member_headers).status_code == 404
    assert client.delete(url, headers=tenant.member_headers).status_code == 404
    listed = client.get(API, headers=tenant.member_headers).get_json()["data"]
    assert listed == []


def test_delete_without_token_is_401(client, tenant, create):
    made = create(tenant.member_headers)
    assert client.delete(f"{API}/{made['id']}").status_code == 401


def test_an_unknown_prospect_is_404_before_its_body_is_judged(client, tenant):
    url = f"{API}/{uuid.uuid4()}"
    headers = tenant.member_headers
    assert client.patch(url, json={"name": None}, headers=headers).status_code == 404
    assert client.post(f"{url}/notes", json={}, headers=headers).status_code == 404
    query = {"limit": "x"}
    response = client.get(f"{url}/notes", query_string=query, headers=headers)
    assert response.status_code == 404
