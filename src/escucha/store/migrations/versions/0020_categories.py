"""Custom categories: an analyst's own categories of posts ("pricing", "app bug"), each with
posts tagged by hand and/or a saved query whose matching posts belong to it (at read time).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("query", sa.Text),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "post_categories",
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "category_id",
            sa.Integer,
            sa.ForeignKey("categories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tagged_by", sa.String(64), nullable=False),
        sa.Column("tagged_at", TZ, nullable=False),
    )
    op.create_index("ix_post_categories_category", "post_categories", ["category_id", "post_id"])


def downgrade() -> None:
    op.drop_index("ix_post_categories_category", table_name="post_categories")
    op.drop_table("post_categories")
    op.drop_table("categories")
