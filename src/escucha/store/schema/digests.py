"""Scheduled digests and the log of what each sent (migration 0019)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata, sent_log_columns

digests = Table(
    "digests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("every", String(16), nullable=False),  # daily | weekly
    Column("channel", String(16), nullable=False),  # email | webhook
    Column("target", Text, nullable=False),  # an address, or the webhook's URL
    Column("lang", String(8), nullable=False),  # es | en
    Column("brand", String(255)),  # None: every brand
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(255), nullable=False),
)

digest_sends = Table(
    "digest_sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest_id", Integer, ForeignKey("digests.id", ondelete="CASCADE"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    *sent_log_columns(),  # status: sending | sent | failed
    UniqueConstraint("digest_id", "period_start", name="uq_digest_sends_period"),
)
