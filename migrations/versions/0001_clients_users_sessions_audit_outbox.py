"""clients users sessions audit outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:59:47.551192
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clients",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("device_policy", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "device_policy IN ('reject', 'replace')",
            name=op.f("ck_clients_device_policy_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_table(
        "login_failures",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_failures_key_created_at", ["key", "created_at"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(
                postgresql.JSONB(astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_audit_events_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_client_id_created_at",
            ["client_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_audit_events_created_at", ["created_at"], unique=False
        )
        batch_op.create_index("ix_audit_events_target_id", ["target_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erase_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(role IN ('member', 'admin')) = (client_id IS NOT NULL)",
            name=op.f("ck_users_tenant_roles_have_client"),
        ),
        sa.CheckConstraint(
            "role IN ('member', 'admin', 'support', 'operator')",
            name=op.f("ck_users_role_known"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'deactivated')", name=op.f("ck_users_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_users_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_client_id_created_at", ["client_id", "created_at"], unique=False
        )

    op.create_table(
        "device_sessions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.String(length=128), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("device_name", sa.String(length=200), nullable=True),
        sa.Column("push_token", sa.String(length=1024), nullable=True),
        sa.Column("push_token_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=True),
        sa.Column("previous_refresh_token_hash", sa.String(length=64), nullable=True),
        sa.Column("refresh_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=32), nullable=True),
        sa.Column("login_ip", sa.String(length=45), nullable=True),
        sa.Column("login_country", sa.String(length=2), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "platform IN ('android', 'ios', 'web')",
            name=op.f("ck_device_sessions_platform_known"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_device_sessions_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_device_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_sessions")),
        sa.UniqueConstraint(
            "refresh_token_hash", name=op.f("uq_device_sessions_refresh_token_hash")
        ),
    )
    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_device_sessions_client_id", ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_device_sessions_previous_refresh_token_hash"),
            ["previous_refresh_token_hash"],
            unique=False,
        )
        batch_op.create_index(
            "ix_device_sessions_push_token_updated_at",
            ["push_token_updated_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_device_sessions_user_id_created_at",
            ["user_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "uq_device_sessions_live_push_token",
            ["push_token"],
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL AND push_token IS NOT NULL"),
            sqlite_where=sa.text("revoked_at IS NULL AND push_token IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_device_sessions_live_user",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "notifications",
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(
                postgresql.JSONB(astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("broadcast_id", sa.Uuid(), nullable=True),
        sa.Column("in_inbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_notifications_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_broadcast_id", ["broadcast_id"], unique=False
        )
        batch_op.create_index(
            "ix_notifications_user_id_created_at",
            ["user_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "push_deliveries",
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("token", sa.String(length=1024), nullable=True),
        sa.Column("collapse_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("fcm_message_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'invalid_token', 'failed', 'cancelled')",
            name=op.f("ck_push_deliveries_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_push_deliveries_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_push_deliveries_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["device_sessions.id"],
            name=op.f("fk_push_deliveries_session_id_device_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_push_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_deliveries")),
    )
    with op.batch_alter_table("push_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_push_deliveries_due",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        )
        batch_op.create_index(
            "ix_push_deliveries_notification_id", ["notification_id"], unique=False
        )
        batch_op.create_index(
            "ix_push_deliveries_user_id_status", ["user_id", "status"], unique=False
        )

    op.create_table(
        "spent_refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["device_sessions.id"],
            name=op.f("fk_spent_refresh_tokens_session_id_device_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_spent_refresh_tokens")),
    )
    with op.batch_alter_table("spent_refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_refresh_tokens_session_id"),
            ["session_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("spent_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_refresh_tokens_session_id"))

    op.drop_table("spent_refresh_tokens")
    with op.batch_alter_table("push_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_push_deliveries_user_id_status")
        batch_op.drop_index("ix_push_deliveries_notification_id")
        batch_op.drop_index(
            "ix_push_deliveries_due",
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        )

    op.drop_table("push_deliveries")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_created_at")
        batch_op.drop_index("ix_notifications_broadcast_id")

    op.drop_table("notifications")
    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_device_sessions_live_user",
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_device_sessions_live_push_token",
            postgresql_where=sa.text("revoked_at IS NULL AND push_token IS NOT NULL"),
            sqlite_where=sa.text("revoked_at IS NULL AND push_token IS NOT NULL"),
        )
        batch_op.drop_index("ix_device_sessions_user_id_created_at")
        batch_op.drop_index("ix_device_sessions_push_token_updated_at")
        batch_op.drop_index(
            batch_op.f("ix_device_sessions_previous_refresh_token_hash")
        )
        batch_op.drop_index("ix_device_sessions_client_id")

    op.drop_table("device_sessions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_client_id_created_at")

    op.drop_table("users")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_target_id")
        batch_op.drop_index("ix_audit_events_created_at")
        batch_op.drop_index("ix_audit_events_client_id_created_at")

    op.drop_table("audit_events")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_key_created_at")

    op.drop_table("login_failures")
    op.drop_table("clients")
