"""The one `MetaData` every table of the store belongs to (Alembic compares against it), and
the columns every sent-log table shares."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Text

from escucha.core.timeutil import UTCDateTime

metadata = MetaData()


def sent_log_columns() -> list[Column]:
    """The state columns of a sent-log table (escucha.store.sentlog.SentLog): `status` (the
    table's in-progress status, `sent` or `failed`), `attempts`, `started_at` of the latest
    attempt, `sent_at`, and `error` (the last failure, without URLs or credentials)."""
    return [
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("started_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime),
        Column("error", Text),
    ]
