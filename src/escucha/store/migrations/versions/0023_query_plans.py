"""PostgreSQL: the lowered-brand index holds the brand too, so `brand:` reads the matching
mentions from the index alone instead of lowering every mention in a sequential scan; and
statistics on the enrichment expressions `intent:` and `lang:` filter by, for the plan.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""

from alembic import op

from escucha.store import search

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_NAME = "ix_brand_mentions_folded"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    search.drop_folded_index(conn, _NAME)
    search.create_folded_index(conn, _NAME)
    search.create_enrichment_statistics(conn)
    conn.exec_driver_sql("ANALYZE brand_mentions")
    conn.exec_driver_sql("ANALYZE enrichments")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"DROP STATISTICS IF EXISTS {search.ENRICHMENT_STATISTICS}")
    search.drop_folded_index(conn, _NAME)
    lowered = "translate(brand, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    conn.exec_driver_sql(f"CREATE INDEX {_NAME} ON brand_mentions ({lowered}, post_id)")
