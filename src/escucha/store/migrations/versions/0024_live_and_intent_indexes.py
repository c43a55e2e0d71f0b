"""PostgreSQL: partial indexes on the live posts' ids and on the enrichments of each intent, so
the queries that join brands, sentiment and intents merge index scans instead of reading every
post and every enrichment (search.create_plan_indexes says why). SQLite: nothing.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

from alembic import op

from escucha.store import search

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    search.create_plan_indexes(conn, "posts")
    search.create_plan_indexes(conn, "enrichments")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for name in search.PLAN_INDEXES:
        search.drop_folded_index(conn, name)
