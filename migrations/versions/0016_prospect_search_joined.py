"""prospect search: a joined column and its trigram index for terms with separators

`prospects.search_joined` is name, phone and email lower-cased with every
separator removed (models/search_text.py). pg_trgm splits words at separators,
so on `search_text` a term such as `edsger.dijkstra.5` or `555 0012` loses the
trigrams that cross them and selects every row with the same words, all of
which are then rechecked; on `search_joined` those trigrams exist. A term with
separators is looked up there and rechecked literally.

On SQLite the column is VIRTUAL (ALTER TABLE cannot add a STORED one) and the
index a plain b-tree; SQLite searches by scanning either way.

On a large PostgreSQL table, adding a stored column rewrites the table (about
5 s per 100,000 prospects here) and the index takes about 2 s per 100,000:
run it in a maintenance window.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01 23:40:00
"""

from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

# Frozen copies of models/search_text.py at this revision.
POSTGRESQL_EXPRESSION = "translate(lower(name || coalesce(phone, '') || coalesce(email, '')), ' \t\n\r!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~\xa0–—‘’“”', '')"
SQLITE_EXPRESSION = (
    "replace(opsx_fold(name || coalesce(phone, '') || coalesce(email, '')), ' ', '')"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE prospects ADD COLUMN search_joined text "
            f"GENERATED ALWAYS AS ({POSTGRESQL_EXPRESSION}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_prospects_search_joined_trgm ON prospects "
            "USING gin (search_joined gin_trgm_ops)"
        )
        return
    op.execute(
        "ALTER TABLE prospects ADD COLUMN search_joined TEXT "
        f"GENERATED ALWAYS AS ({SQLITE_EXPRESSION}) VIRTUAL"
    )
    op.execute(
        "CREATE INDEX ix_prospects_search_joined_trgm ON prospects (search_joined)"
    )


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_prospects_search_joined_trgm")
    op.execute("ALTER TABLE prospects DROP COLUMN search_joined")
