"""Support statistics: per-client counts, no personal data; batched request counts."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Base, ClientRequestCount
from opsx_api import clock, db, request_counts
from opsx_api.actor import Actor
from opsx_api.services import users
from tests.factories import assert_error
from tests.support.kit import API

STATS = f"{API}/support/stats"


@pytest.fixture
def counter(app):
    """This app's request counter, emptied of earlier tests' counts."""
    requests_counter = app.extensions["opsx_request_counts"]
    requests_counter.take()
    return requests_counter


def _stats(client, staff, **query) -> dict:
    response = client.get(STATS, query_string=query, headers=staff.headers)
    assert response.status_code == 200, response.get_json()
    return {row["client"]["id"]: row for row in response.get_json()["data"]}


def _stored_counts(app) -> dict:
    with app.app_context():
        rows = db.session().scalars(select(ClientRequestCount)).all()
        return {(r.client_id, r.day): r.count for r in rows}


def test_stats_count_users_devices_and_requests_per_client(
    kit, factory, app, client, counter
):
    busy, quiet = factory.company(), factory.company()
    member = factory.make_user(busy.client, "member")
    factory.login(member)
    leaver = factory.make_user(busy.client, "member")
    factory.login(leaver)
    with app.app_context(), db.unit_of_work():
        users.deactivate(leaver, actor=Actor.system())
    for _ in range(3):
        client.get(f"{API}/admin/users", headers=busy.headers)
    client.get(f"{API}/admin/client", headers=quiet.headers)
    with app.app_context():
        request_counts.flush_now()
    staff = kit.staff()
    stats = _stats(client, staff)
    assert set(stats) == {str(busy.client.id), str(quiet.client.id)}
    row = stats[str(busy.client.id)]
    assert row["client"]["name"] == busy.client.name
    assert (row["active_users"], row["live_devices"], row["requests_30d"]) == (2, 2, 3)
    other = stats[str(quiet.client.id)]
    assert (other["active_users"], other["live_devices"], other["requests_30d"]) == (
        1,
        1,
        1,
    )
    assert row["data_bytes"] > other["data_bytes"] > 0
    expected = None if "prospects" not in Base.metadata.tables else 0
    assert row["prospects"] == expected


def test_stats_contain_no_personal_data(kit, factory, client, counter):
    company = factory.company()
    people = [
        factory.make_user(company.client, "member", name="Grace Hopper-Field"),
        factory.make_user(company.client, "admin", name="Ada Lovelace-Admin"),
        company.admin,
    ]
    kit.grant(company, reason="Ticket about Grace Hopper-Field's phone +33 6 12 34 56")
    staff = kit.staff(name="Sam Supporter")
    response = client.get(STATS, headers=staff.headers)
    text = response.get_data(as_text=True)
    for person in [*people, staff.user]:
        assert person.email not in text
        assert person.name not in text
        assert str(person.id) not in text
    assert "+33" not in text and "Ticket" not in text
    (row,) = response.get_json()["data"]
    assert set(row) == {
        "client",
        "active_users",
        "live_devices",
        "prospects",
        "data_bytes",
        "requests_30d",
    }
    assert set(row["client"]) == {"id", "name"}


def test_data_bytes_grow_with_the_clients_content(factory, kit, client):
    company = factory.company()
    staff = kit.staff()
    before = _stats(client, staff)[str(company.client.id)]["data_bytes"]
    kit.grant(company, reason="é" * 250)  # 250 characters, 500 bytes in UTF-8
    after = _stats(client, staff)[str(company.client.id)]["data_bytes"]
    assert after - before >= 500


def test_requests_older_than_thirty_days_are_not_counted(
    factory, kit, app, client, counter
):
    company = factory.company()
    today = clock.utcnow().date()
    with app.app_context():
        session = db.session()
        for age, n in ((0, 5), (29, 7), (30, 1000)):
            day = today - timedelta(days=age)
            session.add(
                ClientRequestCount(client_id=company.client.id, day=day, count=n)
            )
        session.commit()
    row = _stats(client, kit.staff())[str(company.client.id)]
    assert row["requests_30d"] == 12


def test_stats_are_paged_over_clients(factory, kit, client):
    for _ in range(3):
        factory.company()
    staff = kit.staff()
    first = client.get(STATS, query_string={"limit": 2}, headers=staff.headers)
    body = first.get_json()
    assert len(body["data"]) == 2 and body["next_cursor"]
    rest = client.get(
        STATS,
        query_string={"limit": 2, "cursor": body["next_cursor"]},
        headers=staff.headers,
    ).get_json()
    assert len(rest["data"]) == 1 and rest["next_cursor"] is None


def test_stats_need_a_support_login(factory, kit, client):
    response = client.get(STATS)
    assert_error(response, 401, "unauthorized")
    company = factory.company()
    response = client.get(STATS, headers=company.headers)
    assert_error(response, 403, "forbidden")


def test_requests_are_counted_in_memory_not_written_per_request(
    factory, kit, app, client, counter
):
    company = factory.company()
    for _ in range(4):
        client.get(f"{API}/admin/client", headers=company.headers)
    assert _stored_counts(app) == {}
    with app.app_context():
        assert request_counts.flush_now() == 4
        assert request_counts.flush_now() == 0
    day = clock.utcnow().date()
    assert _stored_counts(app) == {(company.client.id, day): 4}
    client.get(f"{API}/admin/client", headers=company.headers)
    with app.app_context():
        request_counts.flush_now()
    assert _stored_counts(app) == {(company.client.id, day): 5}


def test_counts_are_flushed_every_n_requests(
    factory, kit, app, client, counter, monkeypatch
):
    monkeypatch.setitem(app.config, "REQUEST_COUNT_FLUSH_REQUESTS", 3)
    company = factory.company()
    for _ in range(2):
        client.get(f"{API}/admin/client", headers=company.headers)
    assert _stored_counts(app) == {}
    client.get(f"{API}/admin/client", headers=company.headers)
    assert _stored_counts(app) == {(company.client.id, clock.utcnow().date()): 3}


def test_counts_are_flushed_when_the_interval_passed(
    factory, kit, app, client, counter, monkeypatch
):
    monkeypatch.setitem(app.config, "REQUEST_COUNT_FLUSH_SECONDS", 0)
    company = factory.company()
    client.get(f"{API}/admin/client", headers=company.headers)
    assert _stored_counts(app) == {(company.client.id, clock.utcnow().date()): 1}


def test_counts_left_in_memory_are_flushed_at_process_exit(
    factory, kit, app, client, counter
):
    company = factory.company()
    client.get(f"{API}/admin/client", headers=company.headers)
    with app.app_context():
        engine = db.get_db().engine
    request_counts.flush_at_exit(counter, engine)
    assert _stored_counts(app) == {(company.client.id, clock.utcnow().date()): 1}


def test_counts_of_a_client_that_no_longer_exists_are_dropped(app, counter):
    import uuid

    counter.add(uuid.uuid4(), clock.utcnow().date())
    with app.app_context():
        assert request_counts.flush_now() == 1
    assert _stored_counts(app) == {}


def test_stats_command_prints_a_table(factory, kit, runner):
    company = factory.company()
    result = runner.invoke(args=["admin", "stats"])
    assert result.exit_code == 0, result.output
    header, line = result.output.strip().splitlines()
    assert header.split("  ")[0] == "client id"
    assert "active users" in header and "requests 30d" in header
    assert line.startswith(str(company.client.id))
    assert company.client.name in line
    assert company.admin.email not in result.output


def test_stats_command_prints_json(factory, kit, runner):
    company = factory.company()
    result = runner.invoke(args=["admin", "stats", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["client_id"] == str(company.client.id)
    assert row["active_users"] == 1
    assert row["live_devices"] == 1
    assert row["data_bytes"] > 0


def test_stats_command_on_an_empty_platform(runner):
    result = runner.invoke(args=["admin", "stats"])
    assert result.exit_code == 0
    assert "no clients yet" in result.output


def test_concurrent_flushes_from_several_processes_add_up(
    factory, kit, app, counter, postgresql_only
):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    company = factory.company()
    day = clock.utcnow().date()
    workers = [request_counts.RequestCounter() for _ in range(6)]
    for worker in workers:
        for _ in range(25):
            worker.add(company.client.id, day)
    with app.app_context():
        engine = db.get_db().engine
    start = Barrier(len(workers))

    def flush(worker):
        with engine.begin() as connection:
            start.wait()
            return worker.flush(connection)

    with ThreadPoolExecutor(len(workers)) as pool:
        assert sum(pool.map(flush, workers)) == 150
    assert _stored_counts(app) == {(company.client.id, day): 150}
