"""Edits and deletions of collected posts: each post's earlier texts, and tombstones.

`posts.edited_at` says when we learnt of a post's last edit, `post_versions` keeps the texts
it had before; `posts.deleted_at` marks a post deleted on its platform (its text is emptied,
the row stays so a later read does not store it again).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("posts", sa.Column("edited_at", TZ))
    op.add_column("posts", sa.Column("deleted_at", TZ))
    op.create_table(
        "post_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id",
            sa.Integer,
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("replaced_at", TZ, nullable=False),
    )
    op.create_index("ix_post_versions_post", "post_versions", ["post_id"])


def downgrade() -> None:
    op.drop_index("ix_post_versions_post", table_name="post_versions")
    op.drop_table("post_versions")
    # Plain DROP COLUMN (SQLite >= 3.35): posts is referenced by other tables, and rebuilding
    # it would rewrite its own foreign keys in a form later downgrades cannot drop.
    op.drop_column("posts", "deleted_at")
    op.drop_column("posts", "edited_at")
