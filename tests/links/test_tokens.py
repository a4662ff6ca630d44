"""Link tokens: random, hashed, purpose-bound, single-use, expiring, one live each."""

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import LinkToken, User
from opsx_api import clock, db
from opsx_api.errors import InvalidLinkToken
from opsx_api.services import links


def issue(app, user, purpose="password_reset") -> links.IssuedLink:
    with app.app_context():
        issued = links.issue(db.session().get(User, user.id), purpose)
        db.session().commit()
        return issued


def redeem(app, token, purpose="password_reset") -> LinkToken:
    with app.app_context():
        try:
            spent = links.redeem(token, purpose)
            db.session().commit()
            return spent
        except InvalidLinkToken:
            db.session().rollback()
            raise


@pytest.fixture
def user(factory):
    return factory.make_user(factory.make_client())


def test_only_the_hash_of_a_256_bit_token_is_stored(app, user):
    issued = issue(app, user)

    assert len(issued.token) >= 43  # 32 random bytes, URL-safe
    assert issued.url == (
        f"{app.config['PUBLIC_URL']}/links/password-reset?token={issued.token}"
    )
    with app.app_context():
        [row] = db.session().scalars(select(LinkToken)).all()
        stored = {str(getattr(row, c.key)) for c in LinkToken.__table__.columns}
    assert issued.token not in stored
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert (row.purpose, row.user_id) == ("password_reset", user.id)
    assert row.expires_at - row.created_at == timedelta(minutes=30)


def test_a_token_works_once(app, user):
    issued = issue(app, user)

    assert redeem(app, issued.token).user_id == user.id
    with pytest.raises(InvalidLinkToken):
        redeem(app, issued.token)


def test_a_token_is_bound_to_its_purpose(app, user):
    issued = issue(app, user, "email_confirmation")

    with pytest.raises(InvalidLinkToken):
        redeem(app, issued.token, "password_reset")
    assert redeem(app, issued.token, "email_confirmation").user_id == user.id


def test_a_token_expires(app, user):
    issued = issue(app, user)
    clock.advance(timedelta(minutes=30, seconds=1))

    with pytest.raises(InvalidLinkToken):
        redeem(app, issued.token)


@pytest.mark.parametrize("forged", ["", "x", "A" * 43, "A" * 5000])
def test_forged_tokens_are_refused(app, user, forged):
    issue(app, user)
    with pytest.raises(InvalidLinkToken):
        redeem(app, forged)


def test_a_new_link_kills_the_previous_one_of_that_purpose_only(app, user):
    first = issue(app, user)
    other = issue(app, user, "email_confirmation")
    second = issue(app, user)

    with pytest.raises(InvalidLinkToken):
        redeem(app, first.token)
    assert redeem(app, second.token).user_id == user.id
    assert redeem(app, other.token, "email_confirmation").user_id == user.id


def test_a_spent_token_comes_back_when_the_action_rolls_back(app, user):
    issued = issue(app, user)
    with app.app_context():
        links.redeem(issued.token, "password_reset")
        db.session().rollback()  # the action failed (a weak password, say)

    assert redeem(app, issued.token).user_id == user.id


def test_two_clicks_at_once_spend_a_token_once(app, user, postgresql_only):
    issued = issue(app, user)
    barrier = threading.Barrier(4)
    outcomes = []

    def click():
        with app.app_context():
            barrier.wait()
            try:
                links.redeem(issued.token, "password_reset")
                db.session().commit()
                outcomes.append("spent")
            except InvalidLinkToken:
                db.session().rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(outcomes) == ["refused", "refused", "refused", "spent"]
