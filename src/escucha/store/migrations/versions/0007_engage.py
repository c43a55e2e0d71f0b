"""The conversation: inbox items, drafts, approvals, guard overrides and publications.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _draft_key() -> sa.Column:
    return sa.Column(
        "draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("native_id", sa.String(255), nullable=False),
        sa.Column("thread_root", sa.String(255), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("authors.id")),
        sa.Column("lang", sa.String(16)),
        sa.Column("intent", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(255)),
        sa.Column("asked_at", TZ, nullable=False),
        sa.Column("first_response_at", TZ),
        sa.Column("answer_native_id", sa.String(255)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(255)),
        sa.UniqueConstraint("post_id", name="uq_inbox_items_post"),
    )
    op.create_index("ix_inbox_items_status", "inbox_items", ["status", "asked_at"])
    op.create_index("ix_inbox_items_native", "inbox_items", ["source", "native_id"])
    op.create_index("ix_inbox_items_thread", "inbox_items", ["source", "thread_root"])
    op.create_index("ix_inbox_items_author", "inbox_items", ["author_id"])
    op.create_index("ix_posts_parent", "posts", ["source", "parent_id"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("snippet", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.UniqueConstraint("idempotency_key", name="uq_drafts_idempotency_key"),
    )
    op.create_index("ix_drafts_post", "drafts", ["post_id"])
    op.create_index("ix_drafts_status", "drafts", ["status"])
    op.create_table(
        "draft_approvals",
        _draft_key(),
        sa.Column("approved_by", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("approved_at", TZ, nullable=False),
    )
    op.create_table(
        "draft_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "draft_id",
            sa.Integer,
            sa.ForeignKey("drafts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("overridden_by", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("overridden_at", TZ, nullable=False),
    )
    op.create_index("ix_draft_overrides_draft", "draft_overrides", ["draft_id"])
    op.create_table(
        "publications",
        _draft_key(),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("parent_native_id", sa.String(255), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("native_id", sa.String(255)),
        sa.Column("url", sa.Text),
        sa.Column("published_at", TZ),
        sa.Column("published_by", sa.String(255)),
        sa.Column("last_error", sa.Text),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    op.drop_index("ix_posts_parent", "posts")
    for table in ("publications", "draft_overrides", "draft_approvals", "drafts", "inbox_items"):
        op.drop_table(table)
