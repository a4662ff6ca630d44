"""Assignment pushes to the assignee (through the outbox); writes are audited."""

from sqlalchemy import select

from models import AuditEvent, Notification, PushDelivery
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.services import users
from tests.factories import assert_error
from tests.prospects.conftest import API


def _notifications(app):
    with app.app_context():
        return db.session().scalars(select(Notification)).all()


def test_creating_assigned_queues_a_push_to_the_assignee(
    app, client, factory, tenant, create
):
    factory.login(
        tenant.member, device_id=tenant.member_login.device_id, push_token="fcm-1"
    )
    made = create(
        tenant.admin_headers, name="Hot Lead", assigned_to=str(tenant.member.id)
    )
    [note] = _notifications(app)
    assert (note.user_id, note.kind) == (tenant.member.id, "prospect_assigned")
    assert note.title == "Prospect assigned to you" and note.body == "Hot Lead"
    assert note.data == {"prospect_id": made["id"], "assigned_by": str(tenant.admin.id)}
    with app.app_context():
        [push] = db.session().scalars(select(PushDelivery)).all()
    assert (push.notification_id, push.token, push.status) == (
        note.id,
        "fcm-1",
        "queued",
    )


def test_reassigning_notifies_only_on_a_change(app, client, tenant, create):
    made = create(tenant.admin_headers)
    url = f"{API}/{made['id']}"
    assign = {"assigned_to": str(tenant.member.id)}
    assert (
        client.patch(url, json=assign, headers=tenant.admin_headers).status_code == 200
    )
    assert (
        client.patch(url, json=assign, headers=tenant.admin_headers).status_code == 200
    )
    assert len(_notifications(app)) == 1
    unassign = {"assigned_to": None}
    response = client.patch(url, json=unassign, headers=tenant.admin_headers)
    assert response.get_json()["assigned_to"] is None
    assert len(_notifications(app)) == 1


def test_assigning_to_myself_sends_no_push(app, tenant, create):
    create(tenant.member_headers, assigned_to=str(tenant.member.id))
    assert _notifications(app) == []


def test_only_active_users_of_my_company_can_be_assigned(
    client, factory, tenant, other, create
):
    gone = factory.make_user(tenant.client)
    with factory.app.app_context(), db.unit_of_work():
        users.deactivate(gone, actor=Actor.system())
    staff = factory.make_user(None, role="support")
    made = create(tenant.admin_headers)
    for user in (other.member, gone, staff):
        body = {"assigned_to": str(user.id)}
        response = client.patch(
            f"{API}/{made['id']}", json=body, headers=tenant.admin_headers
        )
        assert response.status_code == 422
        assert "assigned_to" in response.get_json()["error"]["details"]
        create(tenant.admin_headers, expect=422, assigned_to=str(user.id))


def test_writes_are_audited_without_personal_data(app, client, tenant, create):
    made = create(tenant.member_headers, name="Private Pat", email="pat@example.test")
    url = f"{API}/{made['id']}"
    client.patch(
        url, json={"email": "pat2@example.test"}, headers=tenant.member_headers
    )
    client.delete(url, headers=tenant.member_headers)
    with app.app_context():
        events = (
            db.session()
            .scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("prospect.%"))
                .order_by(AuditEvent.created_at)
            )
            .all()
        )
    assert [(e.action, e.target_id, e.actor_id) for e in events] == [
        ("prospect.created", made["id"], tenant.member.id),
        ("prospect.updated", made["id"], tenant.member.id),
        ("prospect.deleted", made["id"], tenant.member.id),
    ]
    assert events[1].details == {"fields": ["email"], "version": 2}
    assert "pat" not in str([e.details for e in events])


def test_external_id_is_unique_among_live_prospects(client, tenant, create):
    first = create(tenant.admin_headers, external_id="crm-9")
    response = client.post(
        API, json={"name": "B", "external_id": "crm-9"}, headers=tenant.admin_headers
    )
    assert_error(response, 409, "external_id_taken")
    client.delete(f"{API}/{first['id']}", headers=tenant.admin_headers)
    create(tenant.admin_headers, external_id="crm-9")
