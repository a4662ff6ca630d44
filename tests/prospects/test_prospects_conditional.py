"""ETag and If-Match: an edit made on an old copy never overwrites a newer one."""

import threading

from tests.factories import assert_error
from tests.prospects.conftest import API


def _patch(client, url, headers, etag=None, **body):
    extra = {"If-Match": etag} if etag is not None else {}
    return client.patch(url, json=body, headers={**headers, **extra})


def test_stale_if_match_is_412_and_the_newer_change_stays(client, tenant, create):
    made = create(tenant.member_headers, name="Original")
    url = f"{API}/{made['id']}"
    old_etag = client.get(url, headers=tenant.member_headers).headers["ETag"]
    first = _patch(client, url, tenant.admin_headers, old_etag, name="Newer")
    assert first.status_code == 200
    stale = _patch(client, url, tenant.member_headers, old_etag, name="Week-old edit")
    assert stale.status_code == 412
    error = stale.get_json()["error"]
    assert error["code"] == "precondition_failed"
    assert error["details"]["current_version"] == 2
    assert error["details"]["etag"] == first.headers["ETag"]
    current = client.get(url, headers=tenant.member_headers).get_json()
    assert (current["name"], current["version"]) == ("Newer", 2)


def test_current_weak_and_star_if_match_are_honoured(client, tenant, create):
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    etag = client.get(url, headers=tenant.member_headers).headers["ETag"]
    response = _patch(client, url, tenant.member_headers, etag, status="contacted")
    assert response.status_code == 200
    weak = "W/" + response.headers["ETag"]
    response = _patch(client, url, tenant.member_headers, weak, status="qualified")
    assert response.status_code == 200
    response = _patch(client, url, tenant.member_headers, "*", status="won")
    assert response.status_code == 200
    listed = f'"nope", {response.headers["ETag"]}'
    response = _patch(client, url, tenant.member_headers, listed, status="lost")
    assert response.status_code == 200
    assert response.get_json()["version"] == 5


def test_garbage_if_match_is_412(client, tenant, create):
    made = create(tenant.member_headers)
    response = _patch(
        client, f"{API}/{made['id']}", tenant.member_headers, "1", name="x"
    )
    assert response.status_code == 412


def test_stale_if_match_on_delete_is_412_and_nothing_is_deleted(client, tenant, create):
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    old = client.get(url, headers=tenant.member_headers).headers["ETag"]
    assert _patch(client, url, tenant.member_headers, old, name="B").status_code == 200
    response = client.delete(url, headers={**tenant.member_headers, "If-Match": old})
    assert_error(response, 412, "precondition_failed")
    assert client.get(url, headers=tenant.member_headers).status_code == 200
    fresh = client.get(url, headers=tenant.member_headers).headers["ETag"]
    response = client.delete(url, headers={**tenant.member_headers, "If-Match": fresh})
    assert response.status_code == 204


def test_writes_without_if_match_are_accepted_by_default(client, tenant, create):
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    assert _patch(client, url, tenant.member_headers, name="B").status_code == 200
    assert client.delete(url, headers=tenant.member_headers).status_code == 204


def test_if_match_can_be_required_by_configuration(
    app, client, tenant, create, monkeypatch
):
    monkeypatch.setitem(app.config, "REQUIRE_IF_MATCH", True)
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    response = _patch(client, url, tenant.member_headers, name="B")
    assert_error(response, 428, "precondition_required")
    assert response.get_json()["error"]["details"]["current_version"] == 1
    response = client.delete(url, headers=tenant.member_headers)
    assert response.status_code == 428


def test_concurrent_updates_with_one_if_match_let_exactly_one_win(
    postgresql_only, app, client, tenant, create
):
    made = create(tenant.member_headers)
    url = f"{API}/{made['id']}"
    etag = client.get(url, headers=tenant.member_headers).headers["ETag"]
    threads, statuses = 8, []
    barrier = threading.Barrier(threads)

    def edit(n):
        worker = app.test_client()  # each request pushes its own app context
        barrier.wait()
        response = _patch(worker, url, tenant.member_headers, etag, name=f"Edit {n}")
        statuses.append((response.status_code, n))

    workers = [threading.Thread(target=edit, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    winners = [n for status, n in statuses if status == 200]
    assert len(winners) == 1
    assert sorted(s for s, _ in statuses) == [200] + [412] * (threads - 1)
    final = client.get(url, headers=tenant.member_headers).get_json()
    assert (final["name"], final["version"]) == (f"Edit {winners[0]}", 2)
