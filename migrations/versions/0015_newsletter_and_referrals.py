"""newsletter and referrals: subscribers, referred friends, List-Unsubscribe

`newsletter_subscriptions` holds the addresses on the newsletter list
(`pending` until the double opt-in link is confirmed); `referrals` the friends
people invited (name and email until the referral converts, is removed by the
friend, or expires); `emails.list_unsubscribe` the one-click unsubscribe URL of
a newsletter email (RFC 8058 headers), blanked with the bodies.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-01 09:40:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "newsletter_subscriptions",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'subscribed')",
            name=op.f("ck_newsletter_subscriptions_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_newsletter_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_subscriptions")),
        sa.UniqueConstraint("email", name=op.f("uq_newsletter_subscriptions_email")),
    )
    with op.batch_alter_table("newsletter_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_newsletter_subscriptions_user_id", ["user_id"], unique=False
        )
    op.create_table(
        "referrals",
        sa.Column("referrer_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["users.id"],
            name=op.f("fk_referrals_referrer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint(
            "referrer_id", "email", name=op.f("uq_referrals_referrer_id_email")
        ),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_referrals_email", ["email"], unique=False)
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("list_unsubscribe", sa.String(length=500), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_column("list_unsubscribe")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_email")
        batch_op.drop_index("ix_referrals_created_at")
    op.drop_table("referrals")
    with op.batch_alter_table("newsletter_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_newsletter_subscriptions_user_id")
    op.drop_table("newsletter_subscriptions")
