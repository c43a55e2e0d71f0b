"""The listening loop's first store: posts, authors, raw payloads, enrichments, mentions, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("duplicate", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("rejects_path", sa.Text),
        sa.Column("message", sa.Text),
    )
    op.create_table(
        "authors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(255)),
        sa.Column("followers", sa.Integer),
        sa.Column("profile_url", sa.Text),
        sa.UniqueConstraint("source", "handle", name="uq_authors_source_handle"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("native_id", sa.String(255), nullable=False),
        sa.Column("author_handle", sa.String(255)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang_hint", sa.String(16)),
        sa.Column("created_at", TZ),
        sa.Column("fetched_at", TZ, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("parent_id", sa.String(255)),
        sa.Column("root_id", sa.String(255)),
        sa.Column("import_run_id", sa.Integer, sa.ForeignKey("import_runs.id")),
        sa.UniqueConstraint("source", "native_id", name="uq_posts_source_native_id"),
    )
    op.create_index("ix_posts_created_at", "posts", ["created_at"])
    op.create_table(
        "raw_payloads",
        sa.Column(
            "post_id",
            sa.Integer,
            sa.ForeignKey("posts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_table(
        "enrichments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("sentiment", sa.String(16), nullable=False),
        *[
            sa.Column(name, sa.Float, nullable=False)
            for name in (
                "negative",
                "neutral",
                "positive",
                "wish",
                "complaint",
                "question",
                "praise",
                "promo",
            )
        ],
        sa.Column("intents", sa.JSON, nullable=False),
        sa.Column("enriched_at", TZ, nullable=False),
        sa.UniqueConstraint("post_id", "model_version", name="uq_enrichments_post_model"),
    )
    op.create_index("ix_enrichments_model_version", "enrichments", ["model_version"])
    op.create_table(
        "brand_mentions",
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("brand", sa.String(255), nullable=False),
        sa.Column("matcher", sa.String(64), nullable=False),
        sa.UniqueConstraint("post_id", "brand", "matcher", name="uq_brand_mentions"),
    )
    op.create_index("ix_brand_mentions_brand", "brand_mentions", ["brand"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for index, table in (
        ("ix_brand_mentions_brand", "brand_mentions"),
        ("ix_enrichments_model_version", "enrichments"),
        ("ix_posts_created_at", "posts"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "settings",
        "brand_mentions",
        "enrichments",
        "raw_payloads",
        "posts",
        "authors",
        "import_runs",
    ):
        op.drop_table(table)
