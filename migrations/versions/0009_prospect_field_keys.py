"""prospect field keys

The custom field keys each client's prospects use, so the per-client bound
(`OPSX_FIELDS_MAX_CLIENT_KEYS`) is an indexed count. Filled from the prospects
already stored; a client already over the bound keeps its keys and can add no
new one until it is back under it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KEYS_IN_USE = {
    "postgresql": "SELECT DISTINCT p.client_id, k.key FROM prospects AS p"
    " CROSS JOIN LATERAL jsonb_object_keys(p.fields) AS k(key)"
    " WHERE jsonb_typeof(p.fields) = 'object'",
    "sqlite": "SELECT DISTINCT p.client_id, k.key FROM prospects AS p,"
    " json_each(p.fields) AS k WHERE json_type(p.fields) = 'object'",
}


def upgrade():
    op.create_table(
        "prospect_field_keys",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_prospect_field_keys_client_id_clients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("pk_prospect_field_keys")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        "INSERT INTO prospect_field_keys (client_id, key, created_at)"
        f" SELECT client_id, key, CURRENT_TIMESTAMP FROM ({_KEYS_IN_USE[dialect]}) AS u"
    )


def downgrade():
    op.drop_table("prospect_field_keys")
