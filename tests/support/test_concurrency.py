"""Revoking a grant and opening a session on it serialise on the grant row."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, update

from models import SupportGrant
from opsx_api import clock, db
from tests.factories import assert_error
from tests.support.kit import API


def test_a_session_cannot_open_on_a_grant_being_revoked(
    factory, kit, app, client, postgresql_only
):
    company = factory.company()
    staff = kit.staff()
    grant = kit.grant(company, "write")
    grant_id = uuid.UUID(grant["id"])
    with app.app_context():
        engine = db.get_db().engine
    table = SupportGrant.__table__
    with engine.connect() as revoker, ThreadPoolExecutor(1) as pool:
        transaction = revoker.begin()
        revoker.execute(
            select(table.c.id).where(table.c.id == grant_id).with_for_update()
        )
        opening = pool.submit(
            client.post,
            f"{API}/support/sessions",
            json={"grant_id": grant["id"]},
            headers=staff.headers,
        )
        time.sleep(0.5)  # real concurrency, not business time: reach the lock
        assert not opening.done()
        revoker.execute(
            update(table)
            .where(table.c.id == grant_id)
            .values(revoked_at=clock.utcnow())
        )
        transaction.commit()
        response = opening.result(timeout=30)
    assert_error(response, 404, "not_found")
