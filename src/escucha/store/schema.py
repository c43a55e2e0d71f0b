"""Tables of the store (SQLAlchemy Core). Every change here comes with an Alembic migration."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("location", Text, nullable=False),  # file path or source URL; never credentials
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running | done | failed
    Column("accepted", Integer, nullable=False, default=0),
    Column("duplicate", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("rejects_path", Text),
    Column("message", Text),
)

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("handle", String(255), nullable=False),
    Column("display_name", String(255)),
    Column("followers", Integer),
    Column("profile_url", Text),
    UniqueConstraint("source", "handle", name="uq_authors_source_handle"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("native_id", String(255), nullable=False),
    Column("author_handle", String(255)),  # joins authors on (source, handle)
    Column("text", Text, nullable=False),
    Column("lang_hint", String(16)),  # the language the source declared, if any
    Column("created_at", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("url", Text),
    Column("parent_id", String(255)),  # native id of the post this replies to
    Column("root_id", String(255)),  # native id of the thread's first post
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    UniqueConstraint("source", "native_id", name="uq_posts_source_native_id"),
)
Index("ix_posts_created_at", posts.c.created_at)

raw_payloads = Table(
    "raw_payloads",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("payload", Text, nullable=False),  # JSON, secrets stripped
)

enrichments = Table(
    "enrichments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("lang", String(16), nullable=False),
    Column("sentiment", String(16), nullable=False),
    Column("negative", Float, nullable=False),
    Column("neutral", Float, nullable=False),
    Column("positive", Float, nullable=False),
    Column("wish", Float, nullable=False),
    Column("complaint", Float, nullable=False),
    Column("question", Float, nullable=False),
    Column("praise", Float, nullable=False),
    Column("promo", Float, nullable=False),
    Column("intents", JSON, nullable=False),  # labels above the model's tuned thresholds
    Column("enriched_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("post_id", "model_version", name="uq_enrichments_post_model"),
)
Index("ix_enrichments_model_version", enrichments.c.model_version)

brand_mentions = Table(
    "brand_mentions",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("brand", String(255), nullable=False),
    Column("matcher", String(64), nullable=False),  # fingerprint of the brand rules used
    UniqueConstraint("post_id", "brand", "matcher", name="uq_brand_mentions"),
)
Index("ix_brand_mentions_brand", brand_mentions.c.brand)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
