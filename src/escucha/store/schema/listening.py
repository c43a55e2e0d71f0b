"""Posts, their authors and raw payloads, import runs, each source's state, and rejects."""

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

from escucha.core.text import folded_words
from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("location", Text, nullable=False),  # file path or source URL; never credentials
    Column("connector_version", String(128)),  # what read it: "escucha 0.1.0 csv", a connector's
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
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
    # An account is identified on its platform, not by the source that saw it: one account
    # read through a hashtag stream and a mentions stream is one author.
    Column("platform", String(64), nullable=False),  # mastodon, bluesky...; a file's source name
    Column("instance", String(255), nullable=False),  # server of a federated platform, else ""
    Column("account_id", String(255), nullable=False),  # the platform's id, else the handle
    Column("handle", String(255), nullable=False),  # as first seen
    Column("display_name", String(255)),
    Column("followers", Integer),
    Column("profile_url", Text),
    Column("first_source", String(64), nullable=False),  # provenance: the source that saw it first
    UniqueConstraint("platform", "instance", "account_id", name="uq_authors_identity"),
)


posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("native_id", String(255), nullable=False),
    Column("author_id", Integer, ForeignKey("authors.id")),
    Column("author_handle", String(255)),  # the handle as this post showed it
    Column("text", Text, nullable=False),
    Column("lang_hint", String(16)),  # the language the source declared, if any
    Column("created_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("url", Text),
    Column("parent_id", String(255)),  # native id of the post this replies to
    Column("root_id", String(255)),  # native id of the thread's first post
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    Column("edited_at", UTCDateTime),  # when we learnt of its last edit (history: post_versions)
    # Deleted on its platform: the text is emptied, this tombstone keeps a re-read from storing
    # it again, and every read skips it.
    Column("deleted_at", UTCDateTime),
    # The folded words of `text` (core.text.folded_words), which the search index reads
    # (store/search.py): whatever writes `text` writes these too. A Core insert fills them.
    Column("words", Text, default=lambda ctx: folded_words(ctx.get_current_parameters()["text"])),
    UniqueConstraint("source", "native_id", name="uq_posts_source_native_id"),
)
Index("ix_posts_created_at", posts.c.created_at)
LIVE_POSTS = posts.c.deleted_at.is_(None)  # what every read selects: not deleted on its platform
Index("ix_posts_author_id", posts.c.author_id)
Index("ix_posts_parent", posts.c.source, posts.c.parent_id)  # a post's replies (engage/)


# The texts a post had before each edit, oldest first; emptied when the post is deleted.
post_versions = Table(
    "post_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("replaced_at", UTCDateTime, nullable=False),  # when the edit replaced it
)
Index("ix_post_versions_post", post_versions.c.post_id)


# Reach and engagement as the source gave them when the post was last read: the author's
# followers then, likes (favourites), reposts (boosts, retweets), replies and a score (Reddit's
# net votes), each NULL when the source gives none; `engagement` is their sum (NULLs as 0,
# a negative score as 0), kept so sorting and summing need no arithmetic. Reading the post
# again (a re-import, a later collection) replaces the row. Posts whose source gives no count
# have no row.
post_engagement = Table(
    "post_engagement",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("followers", Integer),
    Column("likes", Integer),
    Column("reposts", Integer),
    Column("replies", Integer),
    Column("score", Integer),
    Column("engagement", Integer, nullable=False),
    Column("measured_at", UTCDateTime, nullable=False),  # when the source gave these counts
)


raw_payloads = Table(
    "raw_payloads",
    metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("payload", Text, nullable=False),  # JSON, secrets stripped
)


source_state = Table(
    "source_state",
    metadata,
    Column("source", String(64), primary_key=True),  # the source's configured name
    Column("kind", String(32), nullable=False),
    Column("cursor", JSON),  # where the next collection resumes; never credentials
    Column("updated_at", UTCDateTime),
    Column("last_ok_at", UTCDateTime),
    Column("last_error", Text),
    Column("collected", Integer, nullable=False, default=0),  # new posts stored so far
)


# Every record a source or a file import delivered but could not be read, with its run.
source_rejects = Table(
    "source_rejects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("import_run_id", Integer, ForeignKey("import_runs.id")),
    Column("location", Text, nullable=False),  # where: URL, page, event, or "line N" of a file
    Column("line", Integer),  # the record's line, when it came from a file
    Column("reason", Text, nullable=False),
    Column("payload", Text),  # the record as received, secrets stripped
    Column("rejected_at", UTCDateTime, nullable=False),
)
Index("ix_source_rejects_source", source_rejects.c.source)
