"""The conversation: the inbox of posts that ask something of us, reply drafts, their
approvals and guard overrides, and publications with their idempotency keys.

A draft's idempotency key is made with the draft, so it is stored before any call to a
platform: a retry after a timeout or a crash sends the same key and never posts twice.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
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

# One row per post that asks something of us (engage/inbox.py builds them).
inbox_items = Table(
    "inbox_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id"), nullable=False),
    # Copied from the post and its enrichment so filters and the thread join need no post read.
    Column("source", String(64), nullable=False),
    Column("native_id", String(255), nullable=False),
    Column("thread_root", String(255), nullable=False),  # the post's root_id, else its own id
    Column("author_id", Integer, ForeignKey("authors.id")),
    # The author's followers when their items were last counted: the priority's reach, kept
    # here so that ordering the inbox joins no authors.
    Column("followers", Integer),
    Column("lang", String(16)),
    Column("intent", String(16), nullable=False),  # complaint | question | wish
    Column("status", String(16), nullable=False),  # new|assigned|answered|closed|no_reply_needed
    Column("assignee", String(255)),
    Column("asked_at", UTCDateTime, nullable=False),  # the post's time (else when fetched)
    Column("first_response_at", UTCDateTime),  # our first post in the thread after it
    Column("answer_native_id", String(255)),  # that post's native id
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(255)),
    # How many items its author has in the inbox (a repeated asker), kept by each refresh so
    # ordering a page reads no count (items only go with their author, when forgotten).
    Column("asker_items", Integer, nullable=False, server_default="1"),
    UniqueConstraint("post_id", name="uq_inbox_items_post"),
)
Index("ix_inbox_items_status", inbox_items.c.status, inbox_items.c.asked_at)
Index("ix_inbox_items_native", inbox_items.c.source, inbox_items.c.native_id)
Index("ix_inbox_items_thread", inbox_items.c.source, inbox_items.c.thread_root)
Index("ix_inbox_items_author", inbox_items.c.author_id)

# A text being written (a reply, or a new post: an announcement, a survey invitation, a
# tester call), its guard verdict, its approval and its publication state.
drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id")),  # the post replied to (a reply's)
    Column("kind", String(16), nullable=False, server_default="reply"),  # engage/drafts.KINDS
    Column("source", String(64)),  # where a new post is published (a reply: its post's source)
    Column("title", Text),  # a new post's title, where the platform needs one
    Column("community", String(255)),  # a new post's subreddit or Discourse category id
    Column("text", Text, nullable=False),  # plain text as written; never rendered as HTML
    Column("lang", String(16)),  # the draft's language as detected
    Column("snippet", String(128)),  # the saved snippet it started from, if any
    Column("status", String(16), nullable=False),  # pending | approved | published
    Column("verdict", String(16), nullable=False),  # the guard's: ok | review | block
    Column("flags", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    UniqueConstraint("idempotency_key", name="uq_drafts_idempotency_key"),
)
Index("ix_drafts_post", drafts.c.post_id)
Index("ix_drafts_status", drafts.c.status)

# Who approved a draft and when: one approval per draft (two approvers at once: one wins).
draft_approvals = Table(
    "draft_approvals",
    metadata,
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    Column("approved_by", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("rule", String(32), nullable=False),  # the [engage] approval rule in force
    Column("approved_at", UTCDateTime, nullable=False),
)

# An admin's override of a guard `block`, with the written reason: the log is kept.
draft_overrides = Table(
    "draft_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
    Column("overridden_by", String(255), nullable=False),
    Column("reason", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("overridden_at", UTCDateTime, nullable=False),
)
Index("ix_draft_overrides_draft", draft_overrides.c.draft_id)

# A draft's publication: the attempt is recorded before the platform is called.
publications = Table(
    "publications",
    metadata,
    Column("draft_id", Integer, ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(64), nullable=False),
    Column("parent_native_id", String(255)),  # None for a new post
    Column("idempotency_key", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # sending | published
    Column("attempts", Integer, nullable=False),
    Column("native_id", String(255)),
    Column("url", Text),
    Column("published_at", UTCDateTime),
    Column("published_by", String(255)),
    Column("last_error", Text),
    Column("updated_at", UTCDateTime, nullable=False),
    # The account that wrote it, as the platform said (its native id keys the stored author).
    Column("account_id", String(255)),
    Column("account_handle", String(255)),
)
