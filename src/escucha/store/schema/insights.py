"""The idea backlog and alerts (migration 0004)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata

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
    Column("first_seen", UTCDateTime),
    Column("last_seen", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
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
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("value", Float, nullable=False),
    Column("message", Text, nullable=False),
    Column("details", JSON, nullable=False),  # baseline, counts, post ids; never credentials
    Column("state", String(16), nullable=False),  # pending | delivered | failed | recorded
    Column("fired_at", UTCDateTime, nullable=False),
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
    Column("last_attempt_at", UTCDateTime),
    Column("next_attempt_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("error", Text),  # the last failure, without URLs or credentials
    UniqueConstraint("alert_id", "channel", name="uq_alert_deliveries_alert_channel"),
)
