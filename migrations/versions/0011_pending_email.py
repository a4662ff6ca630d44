"""pending email: a new address waits for its confirmation link

`PATCH /me {email}` records the new address in `pending_email` until the link
sent to it is confirmed (or `pending_email_expires_at` passes); only then does
it become the account's email.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_email", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("pending_email_expires_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("pending_email_expires_at")
        batch_op.drop_column("pending_email")
