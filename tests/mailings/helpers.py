"""Calls the mailing flows make, and reading their rows back."""

from sqlalchemy import select

from models import NewsletterSubscription, Referral
from opsx_api import db

API = "/api/v1"


def subscribe_me(client, login, subscribed: bool = True):
    return client.put(
        f"{API}/me/newsletter", json={"subscribed": subscribed}, headers=login.headers
    )


def am_i_subscribed(client, login) -> bool:
    response = client.get(f"{API}/me/newsletter", headers=login.headers)
    assert response.status_code == 200
    return response.get_json()["subscribed"]


def send_issue(client, operator, subject="OpsX news", body="Hello from OpsX."):
    return client.post(
        f"{API}/operator/newsletters",
        json={"subject": subject, "body": body},
        headers=operator.headers,
    )


def refer(client, login, name="Freya Friendly", email="freya@example.test"):
    return client.post(
        f"{API}/me/referrals",
        json={"name": name, "email": email},
        headers=login.headers,
    )


def subscriptions(app) -> list[NewsletterSubscription]:
    with app.app_context():
        return list(db.session().scalars(select(NewsletterSubscription)))


def referrals(app) -> list[Referral]:
    with app.app_context():
        return list(db.session().scalars(select(Referral)))


def altered(token: str) -> list[str]:
    """The token with its payload changed, and with its signature changed."""
    payload, _, rest = token.partition(".")
    swap = "B" if payload[0] != "B" else "C"
    middle = len(token) - 10  # inside the signature, away from padding bits
    flip = "A" if token[middle] != "A" else "B"
    return [
        swap + payload[1:] + "." + rest,
        token[:middle] + flip + token[middle + 1 :],
    ]
