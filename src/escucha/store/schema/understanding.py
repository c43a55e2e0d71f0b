"""What the models and the brand rules read in each post, per model version or rules."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
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
    Column("enriched_at", UTCDateTime, nullable=False),
    UniqueConstraint("post_id", "model_version", name="uq_enrichments_post_model"),
)
Index("ix_enrichments_model_version", enrichments.c.model_version)
# `sentiment:` reads the matching posts from the index alone
Index(
    "ix_enrichments_sentiment",
    enrichments.c.model_version,
    enrichments.c.sentiment,
    enrichments.c.post_id,
)


brand_mentions = Table(
    "brand_mentions",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("brand", String(255), nullable=False),
    Column("matcher", String(64), nullable=False),  # fingerprint of the brand rules used
    UniqueConstraint("post_id", "brand", "matcher", name="uq_brand_mentions"),
)
Index("ix_brand_mentions_brand", brand_mentions.c.brand)


# An analyst's labels of a post, which override the model's in every read (reads/posts.py,
# reads/mentions.py): a sentiment and/or the intents (NULL: the model's stands).
post_labels = Table(
    "post_labels",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("sentiment", String(16)),
    Column("intents", JSON(none_as_null=True)),
    Column("labelled_by", String(64), nullable=False),  # the user name
    Column("labelled_at", UTCDateTime, nullable=False),
)


# Every correction: who changed which post's labels, when, and the labels before and after
# (each {"sentiment": ..., "intents": [...]}, as every read showed them).
label_changes = Table(
    "label_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
)
Index("ix_label_changes_post", label_changes.c.post_id)


# An analyst's own categories of posts: a post belongs to one when tagged by hand
# (post_categories) or when it matches the category's saved query (evaluated at read time,
# escucha.understand.categories). Names are stored as the query language compares them.
categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("query", Text),  # NULL: posts tagged by hand only
    Column("created_by", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

post_categories = Table(
    "post_categories",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "category_id", Integer, ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("tagged_by", String(64), nullable=False),
    Column("tagged_at", UTCDateTime, nullable=False),
)
Index("ix_post_categories_category", post_categories.c.category_id, post_categories.c.post_id)


# The mention rollup (store/rollup.py), derived from the tables above and `posts`: brand
# mentions per model version, language, brand, sentiment (an analyst's over the model's) and
# UTC day (YYYY-MM-DD, "" for posts without a date), with their reach, engagement and the
# model's complaint and wish flags; maintained for the model versions in `rollup_versions`.
mention_rollup = Table(
    "mention_rollup",
    metadata,
    Column("model_version", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("lang", String(16), primary_key=True),
    Column("brand", String(255), primary_key=True),
    Column("sentiment", String(16), primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("reach", BigInteger, nullable=False),
    Column("reach_known", Integer, nullable=False),
    Column("engagement", BigInteger, nullable=False),
    Column("engagement_known", Integer, nullable=False),
    Column("complaint", Integer, nullable=False),
    Column("wish", Integer, nullable=False),
)

# Beside it, every live post per model version, UTC day ("" undated) and language, with or
# without a brand: the data periods and the post total every face shows.
post_rollup = Table(
    "post_rollup",
    metadata,
    Column("model_version", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("lang", String(16), primary_key=True),
    Column("posts", Integer, nullable=False),
)

rollup_versions = Table(
    "rollup_versions",
    metadata,
    Column("model_version", String(64), primary_key=True),
)

# The days a change touched since the rollup last read them, marked by triggers.
rollup_dirty = Table(
    "rollup_dirty",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", String(10), nullable=False),
)
Index("ix_rollup_dirty_day", rollup_dirty.c.day)
