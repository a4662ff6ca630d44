"""Activity notes on a prospect."""

from tests.factories import assert_error
from tests.prospects.conftest import API


def test_notes_are_added_and_listed_newest_first(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}/notes"
    for body in ("Called", "Visited", "Sent offer"):
        response = client.post(url, json={"body": body}, headers=tenant.member_headers)
        assert response.status_code == 201
        note = response.get_json()
        assert note["body"] == body and note["author_id"] == str(tenant.member.id)
        assert note["prospect_id"] == made["id"]
    page = client.get(url, query_string={"limit": 2}, headers=tenant.admin_headers)
    assert page.status_code == 200
    assert [n["body"] for n in page.get_json()["data"]] == ["Sent offer", "Visited"]
    cursor = page.get_json()["next_cursor"]
    rest = client.get(
        url, query_string={"cursor": cursor}, headers=tenant.admin_headers
    )
    assert [n["body"] for n in rest.get_json()["data"]] == ["Called"]


def test_a_note_leaves_the_prospect_version_alone(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}"
    client.post(f"{url}/notes", json={"body": "Hi"}, headers=tenant.member_headers)
    assert client.get(url, headers=tenant.member_headers).get_json()["version"] == 1


def test_notes_honour_idempotency_key(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}/notes"
    headers = {**tenant.member_headers, "Idempotency-Key": "note-1"}
    first = client.post(url, json={"body": "Once"}, headers=headers)
    again = client.post(url, json={"body": "Once"}, headers=headers)
    assert again.get_json() == first.get_json()
    listed = client.get(url, headers=tenant.member_headers).get_json()["data"]
    assert len(listed) == 1


def test_notes_with_a_bad_body_are_422(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}/notes"
    for body in (
        {},
        {"body": ""},
        {"body": "x" * 5001},
        {"body": "a", "author_id": "x"},
    ):
        response = client.post(url, json=body, headers=tenant.member_headers)
        assert_error(response, 422, "validation_error")


def test_notes_without_token_are_401(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}/notes"
    assert client.get(url).status_code == 401
    assert client.post(url, json={"body": "x"}).status_code == 401


def test_notes_of_a_deleted_prospect_are_404(client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}"
    client.delete(url, headers=tenant.admin_headers)
    response = client.get(f"{url}/notes", headers=tenant.member_headers)
    assert_error(response, 404, "not_found")
