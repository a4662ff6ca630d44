"""invited users: a status of their own, no password until they set one

`POST /admin/users` without a password creates an `invited` user who sets a
password from the emailed link. `password_hash` becomes nullable (an invited
user has none; a check keeps every `active` user with one), and `invited_at`
records when the latest invitation was sent.

Downgrade: invited users become `deactivated` with an unusable hash ("!", which
never verifies), since the old schema knows neither the status nor a NULL hash.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.alter_column(
            "password_hash", existing_type=sa.String(length=255), nullable=True
        )
        batch_op.drop_constraint(op.f("ck_users_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_status_known"),
            "status IN ('invited', 'active', 'deactivated')",
        )
        batch_op.create_check_constraint(
            op.f("ck_users_active_has_password"),
            "status <> 'active' OR password_hash IS NOT NULL",
        )


def downgrade():
    op.execute("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL")
    op.execute("UPDATE users SET status = 'deactivated' WHERE status = 'invited'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_active_has_password"), type_="check")
        batch_op.drop_constraint(op.f("ck_users_status_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_users_status_known"), "status IN ('active', 'deactivated')"
        )
        batch_op.alter_column(
            "password_hash", existing_type=sa.String(length=255), nullable=False
        )
        batch_op.drop_column("invited_at")
