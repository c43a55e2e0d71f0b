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
from escucha.store.schema.base import metadata

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
    Column("status", String(16), nullable=False),  # sending | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),  # of the latest attempt
    Column("sent_at", UTCDateTime),
    Column("error", Text),  # the last failure, without URLs or credentials
    UniqueConstraint("digest_id", "period_start", name="uq_digest_sends_period"),
)
