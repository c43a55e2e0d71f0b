"""Why background jobs failed. The queue itself (procrastinate's tables) is created by
procrastinate's own schema manager on PostgreSQL (escucha.jobs.queue); it keeps no error
message, so the dead-letter view reads it here."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from escucha.core.timeutil import UTCDateTime
from escucha.store.schema.base import metadata

job_errors = Table(
    "job_errors",
    metadata,
    Column("job_id", BigInteger, primary_key=True, autoincrement=False),
    Column("task", String(128), nullable=False),
    Column("attempt", Integer, nullable=False),  # 0 for the first run
    Column("error", Text, nullable=False),  # the last failure, one line
    Column("failed_at", UTCDateTime, nullable=False),
)
