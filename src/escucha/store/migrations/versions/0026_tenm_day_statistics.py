"""PostgreSQL: statistics on the UTC day of a post, the mention counts' grouping
(search.create_post_statistics says why). SQLite: nothing.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""

from alembic import op

from escucha.store import search

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    search.create_post_statistics(conn)
    if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM posts)").scalar():
        conn.exec_driver_sql("ANALYZE posts")  # an empty store is analysed when it grows


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(f"DROP STATISTICS IF EXISTS {search.POST_STATISTICS}")
