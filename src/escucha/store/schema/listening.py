"""Posts, their authors and raw payloads, import runs, and each source's state and rejects."""

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

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("location", Text, nullable=False),  # file path or source URL; never credentials
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
    Column("created_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
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


source_rejects = Table(
    "source_rejects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False),
    Column("location", Text, nullable=False),  # where in the source: URL, page, event
    Column("reason", Text, nullable=False),
    Column("payload", Text),  # the record as received, secrets stripped
    Column("rejected_at", UTCDateTime, nullable=False),
)
Index("ix_source_rejects_source", source_rejects.c.source)
