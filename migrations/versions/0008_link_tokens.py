"""link tokens

The SHA-256 hashes of emailed links' tokens: one purpose, one user, single
use, an expiry.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 03:53:07.380692
"""

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('link_tokens',
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("purpose IN ('invitation', 'password_reset', 'email_confirmation', 'newsletter_unsubscribe', 'referral_removal')", name=op.f('ck_link_tokens_purpose_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_link_tokens_token_hash'))
    )
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_link_tokens_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_link_tokens_user_id_purpose', ['user_id', 'purpose'], unique=False)


def downgrade():
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_link_tokens_user_id_purpose')
        batch_op.drop_index('ix_link_tokens_expires_at')

    op.drop_table('link_tokens')
