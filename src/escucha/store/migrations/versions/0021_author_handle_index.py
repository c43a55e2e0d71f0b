"""Authors are indexed by their handle lowered without its leading @s, the expression our own
accounts are found by (engage.inbox.our_authors), which the overview reads on every request.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from alembic import op

from escucha.store import search

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    for name in search.HANDLE_KEY_INDEXES:
        search.create_handle_key_index(conn, name)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE authors")  # statistics of the new expression, for the plan


def downgrade() -> None:
    conn = op.get_bind()
    for name in search.HANDLE_KEY_INDEXES:
        search.drop_folded_index(conn, name)
