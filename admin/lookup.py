"""How commands name things: a user by email, a client by id or by name (any case)."""

import uuid

import click
from marshmallow import ValidationError
from sqlalchemy import select

from models import Client, User
from opsx_api import db
from opsx_api.schemas.clients import ClientSchema
from opsx_api.schemas.common import NormalisedEmail
from opsx_api.schemas.users import UserSchema
from opsx_api.services import clients

USER = UserSchema()
CLIENT = ClientSchema()


def email(value: str) -> str:
    try:
        return NormalisedEmail().deserialize(value)
    except ValidationError:
        raise click.BadParameter(f"{value!r} is not an email address") from None


def user_by_email(address: str) -> User:
    user = db.session().scalar(select(User).where(User.email == email(address)))
    if user is None:
        raise click.ClickException(f"no user with email {address}")
    return user


def client_by_ref(ref: str) -> Client:
    """A client by id, or by name ignoring case (names are unique ignoring case)."""
    try:
        client_id = uuid.UUID(ref)
    except ValueError:
        client = clients.find_by_name(ref.strip())
    else:
        client = db.session().get(Client, client_id)
    if client is None:
        raise click.ClickException(f"no client {ref!r}")
    return client


def user_data(user: User) -> dict:
    """A user as the API shows it (`UserSchema`), JSON-ready."""
    return USER.dump(user)


def client_data(client: Client) -> dict:
    return CLIENT.dump(client)
