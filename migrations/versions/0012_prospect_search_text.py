"""prospect search text: one generated column and one trigram index

`prospects.search_text` is name, phone and email lower-cased with separators
turned into spaces (models/search_text.py), computed by the database on every
write. One GIN trigram index on it replaces the three on lower(name),
lower(phone), lower(email): it serves substring searches and word-start
searches of one or two characters, and rechecks a stored value instead of
evaluating lower() (or the folding) per candidate row.

On SQLite the column is VIRTUAL (ALTER TABLE cannot add a STORED one) and the
index a plain b-tree; SQLite searches by scanning either way.

On a large PostgreSQL table, adding a stored column rewrites the table: run it
in a maintenance window (about 30 s per 100,000 prospects here).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 04:00:00
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_TRIGRAM_COLUMNS = ("name", "phone", "email")
# Frozen copies of models/search_text.py at this revision.
POSTGRESQL_EXPRESSION = "' ' || translate(lower(name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '')), ' \t\n\r!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~\xa0–—‘’“”', '                                           ')"
SQLITE_EXPRESSION = (
    "' ' || opsx_fold(name || ' ' || coalesce(phone, '') || ' ' || coalesce(email, ''))"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE prospects ADD COLUMN search_text text "
            f"GENERATED ALWAYS AS ({POSTGRESQL_EXPRESSION}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_prospects_search_trgm ON prospects "
            "USING gin (search_text gin_trgm_ops)"
        )
        for column in OLD_TRIGRAM_COLUMNS:
            op.execute(f"DROP INDEX IF EXISTS ix_prospects_{column}_trgm")
        return
    op.execute(
        "ALTER TABLE prospects ADD COLUMN search_text TEXT "
        f"GENERATED ALWAYS AS ({SQLITE_EXPRESSION}) VIRTUAL"
    )
    op.execute("CREATE INDEX ix_prospects_search_trgm ON prospects (search_text)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_prospects_search_trgm")
    op.execute("ALTER TABLE prospects DROP COLUMN search_text")
    if op.get_bind().dialect.name == "postgresql":
        for column in OLD_TRIGRAM_COLUMNS:
            op.execute(
                f"CREATE INDEX ix_prospects_{column}_trgm ON prospects "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )
