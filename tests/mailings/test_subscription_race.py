"""Two subscriptions of one new address at once: both answer the same 202
(a 409 for the loser would tell that the address was new)."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import insert

from models import NewsletterSubscription
from opsx_api import clock, db
from tests.mailings.helpers import API, subscriptions


def test_a_subscription_racing_another_for_a_new_address_answers_202(
    client, app, postgresql_only
):
    with app.app_context():
        engine = db.get_db().engine
    table = NewsletterSubscription.__table__
    with engine.connect() as other, ThreadPoolExecutor(1) as pool:
        transaction = other.begin()
        other.execute(  # the other request's row, not committed yet
            insert(table).values(
                id=uuid.uuid4(),
                email="race@example.test",
                status="pending",
                created_at=clock.utcnow(),
            )
        )
        racing = pool.submit(
            client.post,
            f"{API}/newsletter/subscriptions",
            json={"email": "race@example.test"},
        )
        time.sleep(0.5)  # real concurrency, not business time: reach the index
        assert not racing.done()  # it waits on the other's row
        transaction.commit()
        response = racing.result(timeout=30)
    assert response.status_code == 202
    assert [row.email for row in subscriptions(app)] == ["race@example.test"]
