"""A support session, under any grant, never invites nor sends a password reset."""

import pytest
from sqlalchemy import func, select

from models import Email, User
from opsx_api import db
from tests.accounts.helpers import API, invite
from tests.factories import assert_error
from tests.support.kit import SupportKit


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_support_session_cannot_invite_or_send_resets(app, factory, client, scope):
    kit = SupportKit(app, factory, client)
    company = factory.company()
    member = factory.make_user(company.client)
    invited = invite(client, company.admin_login).get_json()
    with app.app_context():
        emails_before = db.session().scalar(select(func.count()).select_from(Email))
    entry = kit.enter(company, scope)

    attempts = [
        (
            f"{API}/admin/users",
            {"email": "by-support@example.test", "name": "Sup", "role": "admin"},
        ),
        (f"{API}/admin/users/{invited['id']}/invitation", None),
        (f"{API}/admin/users/{member.id}/password-reset", None),
        (f"{API}/admin/users/{company.admin.id}/password-reset", None),
    ]
    for url, body in attempts:
        response = client.post(url, json=body, headers=entry.headers)
        assert_error(response, 403, "forbidden")

    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Email)) == (
            emails_before
        )
        assert (
            db.session().scalar(
                select(User).where(User.email == "by-support@example.test")
            )
            is None
        )
