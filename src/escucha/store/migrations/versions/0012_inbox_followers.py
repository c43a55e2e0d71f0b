"""Each inbox item keeps its author's follower count, so ordering the inbox joins no authors.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inbox_items", sa.Column("followers", sa.Integer))
    op.execute(
        "UPDATE inbox_items SET followers = (SELECT a.followers FROM authors a "
        "WHERE a.id = inbox_items.author_id) WHERE author_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("followers")
