"""self-deletion: when a person was erased, and the link that cancels a deletion

`users.erased_at` marks an account whose personal data `flask admin purge`
erased after the deletion grace period; link tokens gain the purpose
`deletion_cancel` (the link in the deletion confirmation email).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 08:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD = (
    "purpose IN ('invitation', 'password_reset', 'email_confirmation',"
    " 'newsletter_unsubscribe', 'referral_removal')"
)
NEW = (
    "purpose IN ('invitation', 'password_reset', 'email_confirmation',"
    " 'newsletter_unsubscribe', 'referral_removal', 'deletion_cancel')"
)


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("link_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_link_tokens_purpose_known"), type_="check")
        batch_op.create_check_constraint("purpose_known", NEW)


def downgrade():
    op.execute("DELETE FROM link_tokens WHERE purpose = 'deletion_cancel'")
    with op.batch_alter_table("link_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_link_tokens_purpose_known"), type_="check")
        batch_op.create_check_constraint("purpose_known", OLD)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
