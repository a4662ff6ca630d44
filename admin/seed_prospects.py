"""Demo prospects for `flask seed-demo` (a SEED_HOOKS entry)."""

from typing import Any

from sqlalchemy import select

from models import Client, User
from opsx_api import db
from opsx_api.actor import Actor
from opsx_api.schemas.prospects import ProspectCreateSchema
from opsx_api.services import prospects

# API bodies; `assignee` is a demo user's email, swapped for the user's id.
DEMO_PROSPECTS: list[dict[str, Any]] = [
    {
        "name": "Acme Bakery",
        "phone": "+44 20 7946 0101",
        "email": "hello@acme-bakery.test",
        "address": "12 Market Street, London",
        "location": {"lat": 51.5079, "lng": -0.0877},
        "fields": {"segment": "retail", "employees": 12},
        "assignee": "field@demo.opsx.test",
    },
    {
        "name": "Brightside Dental",
        "phone": "+44 20 7946 0102",
        "email": "info@brightside.test",
        "status": "contacted",
        "address": "4 Harley Lane, London",
        "location": {"lat": 51.5205, "lng": -0.1474},
        "assignee": "field@demo.opsx.test",
    },
    {
        "name": "Corner Garage Ltd",
        "phone": "+44 161 496 0103",
        "status": "qualified",
        "address": "88 Mill Road, Manchester",
        "fields": {"segment": "automotive", "fleet": True},
        "assignee": "second@demo.opsx.test",
    },
    {
        "name": "Delta Logistics",
        "email": "ops@delta-logistics.test",
        "status": "won",
        "external_id": "CRM-1004",
    },
    {
        "name": "Evergreen Florist",
        "email": "shop@evergreen.test",
        "status": "lost",
        "fields": {"lost_reason": "price"},
        "assignee": "second@demo.opsx.test",
    },
]


def demo_prospects(client: Client) -> None:
    """A handful of prospects for the demo client, some assigned to field users."""
    people = db.session().scalars(select(User).where(User.client_id == client.id))
    by_email = {user.email: user for user in people}
    admin = next(user for user in by_email.values() if user.role == "admin")
    schema = ProspectCreateSchema()
    for demo in DEMO_PROSPECTS:
        body = {key: value for key, value in demo.items() if key != "assignee"}
        if demo.get("assignee") in by_email:
            body["assigned_to"] = str(by_email[demo["assignee"]].id)
        prospects.create(schema.load(body), actor=Actor.of(admin))
