"""The read path of a page: one reader connection, no ORM session, and recovery.

A page request checks the caller's session and reads its rows through
prepared statements (opsx_api/prepared.py) on one connection of the reader
pool; it never begins an ORM transaction. What a pooler or a restart does to
that connection must cost at most the request that meets it.
"""

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from opsx_api import db
from opsx_api.services.prospects import list_prospects
from tests.factories import assert_error
from tests.prospects.conftest import API
from tests.prospects.helpers import insert_prospects


def test_a_page_request_begins_no_orm_transaction(app, client, tenant):
    insert_prospects(app, tenant, 3)
    begun = []

    def count(session, transaction):
        begun.append(transaction)

    event.listen(Session, "after_transaction_create", count)
    try:
        response = client.get(API, headers=tenant.member_headers)
    finally:
        event.remove(Session, "after_transaction_create", count)
    assert response.status_code == 200
    assert len(response.get_json()["data"]) == 3
    assert begun == []


def test_a_write_request_still_commits(client, tenant):
    created = client.post(API, json={"name": "Kept"}, headers=tenant.admin_headers)
    assert created.status_code == 201
    listed = client.get(API, headers=tenant.member_headers).get_json()["data"]
    assert [item["name"] for item in listed] == ["Kept"]


def test_a_page_request_checks_out_one_reader_connection(
    app, client, tenant, postgresql_only
):
    insert_prospects(app, tenant, 3)
    with app.app_context():
        reader, writer = db.get_db().reader, db.get_db().engine
    checkouts = {"reader": 0, "writer": 0}

    def on(name):
        def checkout(*_args):
            checkouts[name] += 1

        return checkout

    listeners = [(reader, on("reader")), (writer, on("writer"))]
    for engine, listener in listeners:
        event.listen(engine, "checkout", listener)
    try:
        response = client.get(API, headers=tenant.member_headers)
    finally:
        for engine, listener in listeners:
            event.remove(engine, "checkout", listener)
    assert response.status_code == 200
    assert checkouts == {"reader": 1, "writer": 0}


def _on_every_pooled_reader(app, sql: str) -> int:
    """Run `sql` on each connection the reader pool holds; how many there were."""
    with app.app_context():
        reader = db.get_db().reader
        held = [reader.raw_connection() for _ in range(reader.pool.checkedin())]
        for connection in held:
            cursor = connection.cursor()
            cursor.execute(sql)
            cursor.close()
        for connection in held:
            connection.close()
        return len(held)


def test_statements_a_pooler_discarded_are_prepared_again(
    app, client, tenant, postgresql_only
):
    insert_prospects(app, tenant, 3)
    before = client.get(API, headers=tenant.member_headers)
    assert before.status_code == 200
    # PgBouncer in transaction mode, or a pooler's reset, runs DISCARD ALL:
    # prepared statements and session settings are gone.
    assert _on_every_pooled_reader(app, "DISCARD ALL") >= 1
    after = client.get(API, headers=tenant.member_headers)
    assert after.status_code == 200
    assert after.get_json() == before.get_json()


def test_a_discarded_connection_gets_its_settings_back(app, tenant, postgresql_only):
    insert_prospects(app, tenant, 1)
    args = {"limit": 5}
    with app.app_context():
        first = list_prospects(tenant.client.id, args, user_id=tenant.member.id)
        cursor = db.reader_connection().cursor()
        cursor.execute("DISCARD ALL")
        again = list_prospects(tenant.client.id, args, user_id=tenant.member.id)
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"
    assert [row.id for row in again.items] == [row.id for row in first.items]
    assert again.items[0].created_at == first.items[0].created_at


def test_after_the_database_drops_its_connections_one_request_fails_then_it_serves(
    app, client, tenant, postgresql_only
):
    insert_prospects(app, tenant, 3)
    assert client.get(API, headers=tenant.member_headers).status_code == 200
    with app.app_context():
        admin = db.get_db().engine.connect()
    try:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        failed = client.get(API, headers=tenant.member_headers)
        assert_error(failed, 503, "service_unavailable")
        served = client.get(API, headers=tenant.member_headers)
        assert served.status_code == 200
        assert len(served.get_json()["data"]) == 3
    finally:
        admin.close()
        with app.app_context():
            db.get_db().dispose()
