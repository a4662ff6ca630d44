"""client names unique ignoring case

A unique index on `lower(name)`: `flask admin` and the operator API look a
client up by its name, so two names differing only in case would be ambiguous.
A database already holding such a pair fails here; rename one first.

It follows 0015 (newsletter and referrals), which reached main first off 0013:
one chain 0013 -> 0015 -> 0014, so a database already at 0015 still gets it.

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-01 10:15:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "uq_clients_name_lower", "clients", [sa.text("lower(name)")], unique=True
    )


def downgrade():
    op.drop_index("uq_clients_name_lower", table_name="clients")
