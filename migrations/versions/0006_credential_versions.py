"""credential versions on users, device sessions and support sessions

A credential change (password set or reset, deactivation) bumps the user's
version; every session opened under an older one is refused on its next request,
including a login that was in flight when the change committed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 04:10:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("users", "credential_version"),
    ("device_sessions", "credential_version"),
    ("support_sessions", "staff_credential_version"),
)


def upgrade():
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(column, sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
