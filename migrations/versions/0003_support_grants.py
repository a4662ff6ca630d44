"""support grants, support sessions and per-client request counts

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 12:05:42.195489
"""

import sqlalchemy as sa
from alembic import op


revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "client_request_counts",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_request_counts_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "client_id", "day", name=op.f("pk_client_request_counts")
        ),
    )
    op.create_table(
        "support_grants",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "scope IN ('read', 'write')", name=op.f("ck_support_grants_scope_known")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_support_grants_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_grants")),
    )
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_support_grants_client_id_created_at",
            ["client_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_support_grants_live_expires_at",
            ["expires_at"],
            unique=False,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "support_sessions",
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_support_sessions_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["support_grants.id"],
            name=op.f("fk_support_sessions_grant_id_support_grants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_support_sessions_staff_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_sessions")),
    )
    with op.batch_alter_table("support_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_support_sessions_client_id_started_at",
            ["client_id", "started_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_support_sessions_grant_id", ["grant_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("support_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_support_sessions_grant_id")
        batch_op.drop_index("ix_support_sessions_client_id_started_at")

    op.drop_table("support_sessions")
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_support_grants_live_expires_at",
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index("ix_support_grants_client_id_created_at")

    op.drop_table("support_grants")
    op.drop_table("client_request_counts")
