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

source_state = Table(
    "source_state",
    metadata,
    Column("source", String(64), primary_key=True),  # the source's configured name
    Column("kind", String(32), nullable=False),
    Column("cursor", JSON),  # where the next collection resumes; never credentials
    Column("updated_at", DateTime(timezone=True)),
    Column("last_ok_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("collected", Integer, nullable=False, default=0),  # new posts stored so far
)

source_rejects = Table(
    "source_rejects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("location", Text, nullable=False),  # where in the source: URL, page, event
    Column("reason", Text, nullable=False),
    Column("payload", Text),  # the record as received, secrets stripped
    Column("rejected_at", DateTime(timezone=True), nullable=False),
)
Index("ix_source_rejects_source", source_rejects.c.source)

# -- accounts of the web app and the API (migration 0003) ---------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("role", String(16), nullable=False),  # admin | analyst | viewer
    Column("ui_lang", String(8)),  # the user's UI language, if chosen
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name", name="uq_users_name"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),  # SHA-256 of the token, never the token
    Column("prefix", String(16), nullable=False),  # its first characters, to tell tokens apart
    Column("scope", String(8), nullable=False),  # read | write
    Column("label", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the session key in the cookie
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
Index("ix_web_sessions_user_id", web_sessions.c.user_id)

# -- the idea backlog and alerts (migration 0004) -----------------------------------------

ideas = Table(
    "ideas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False),  # stable: language + the founding post's hash
    Column("title", Text, nullable=False),
    Column("lang", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # open, planned, ..., declined, duplicate
    Column("status_before_merge", String(16)),  # restored by unmerge
    Column("merged_into", Integer, ForeignKey("ideas.id")),  # set when status is duplicate
    Column("first_seen", DateTime(timezone=True)),
    Column("last_seen", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("key", name="uq_ideas_key"),
)

idea_posts = Table(
    "idea_posts",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("idea_id", Integer, ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
    # the idea the grouping chose; idea_id differs only while that idea is merged elsewhere
    Column("grouped_into", Integer, ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
)
Index("ix_idea_posts_idea_id", idea_posts.c.idea_id)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", String(255), nullable=False),  # an [[alerts]] name, or "brands"
    Column("metric", String(32), nullable=False),  # volume | negative_share | match
    Column("subject", String(255), nullable=False),  # a brand, or the rule's query
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("window_end", DateTime(timezone=True), nullable=False),
    Column("value", Float, nullable=False),
    Column("message", Text, nullable=False),
    Column("details", JSON, nullable=False),  # baseline, counts, post ids; never credentials
    Column("state", String(16), nullable=False),  # pending | delivered | failed | recorded
    Column("fired_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "rule", "metric", "subject", "window_start", "window_end", name="uq_alerts_identity"
    ),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(64), nullable=False),  # the channel's name in escucha.toml
    Column("status", String(16), nullable=False),  # pending | sent | failed (gave up)
    Column("attempts", Integer, nullable=False),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("sent_at", DateTime(timezone=True)),
    Column("error", Text),  # the last failure, without URLs or credentials
    UniqueConstraint("alert_id", "channel", name="uq_alert_deliveries_alert_channel"),
)
