"""Support staff under a company's grant work its prospects as its admin would."""

from sqlalchemy import select

from models import AuditEvent
from opsx_api import db
from tests.prospects.conftest import API
from tests.support.kit import SupportKit


def test_a_write_grant_lets_support_work_prospects_audited_as_staff(
    app, factory, client
):
    kit = SupportKit(app, factory, client)
    company = factory.company()
    entry = kit.enter(company, "write")
    made = client.post(API, json={"name": "Via Support"}, headers=entry.headers)
    assert made.status_code == 201, made.get_json()
    assert client.get(API, headers=company.headers).get_json()["data"][0]["name"] == (
        "Via Support"
    )
    export = client.get(f"{API}/export", headers=entry.headers)
    assert export.status_code == 200 and "Via Support" in export.get_data(as_text=True)
    with app.app_context():
        created = db.session().scalar(
            select(AuditEvent).where(AuditEvent.action == "prospect.created")
        )
    assert created.actor_role == "support"
    assert created.details["support_grant_id"] == entry.grant["id"]


def test_a_read_grant_reads_prospects_but_cannot_write(app, factory, client, create):
    kit = SupportKit(app, factory, client)
    company = factory.company()
    made = create(company.headers, name="Read Only")
    entry = kit.enter(company, "read")
    assert client.get(f"{API}/{made['id']}", headers=entry.headers).status_code == 200
    feed = client.get(f"{API}/changes", headers=entry.headers).get_json()
    assert [c["prospect"]["id"] for c in feed["changes"]] == [made["id"]]
    writes = [
        client.post(API, json={"name": "X"}, headers=entry.headers),
        client.patch(f"{API}/{made['id']}", json={"name": "X"}, headers=entry.headers),
        client.delete(f"{API}/{made['id']}", headers=entry.headers),
        client.post(f"{API}/{made['id']}/erase", headers=entry.headers),
    ]
    assert [w.status_code for w in writes] == [403] * 4
