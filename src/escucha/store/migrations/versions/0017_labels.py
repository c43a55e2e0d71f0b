"""Analysts' labels: a post's sentiment and intents set by a person, which override the model's
in every read, and the audit of every correction (who, when, before and after).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "post_labels",
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("sentiment", sa.String(16)),
        sa.Column("intents", sa.JSON),
        sa.Column("labelled_by", sa.String(64), nullable=False),
        sa.Column("labelled_at", TZ, nullable=False),
    )
    op.create_table(
        "label_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("after", sa.JSON, nullable=False),
    )
    op.create_index("ix_label_changes_post", "label_changes", ["post_id"])


def downgrade() -> None:
    op.drop_index("ix_label_changes_post", table_name="label_changes")
    op.drop_table("label_changes")
    op.drop_table("post_labels")
