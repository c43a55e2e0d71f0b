"""UTC times in the store: SQLite keeps datetimes without a zone, PostgreSQL with one.

Every timestamp column uses `UTCDateTime`, so both databases hand back aware UTC datetimes
and an aware datetime in another zone is stored as the same instant, never as its wall time.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


def as_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime; a naive one is taken as UTC (that is how the store keeps them)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def sqlite_text(value: datetime) -> str:
    """The text SQLite keeps for a time: the instant in UTC, as the sqlite3 module writes an
    aware datetime ("2026-11-30 12:00:00+00:00"); one call instead of a conversion and an
    adapter, for the bulk insert path."""
    return (value if value.tzinfo is UTC else as_utc(value)).isoformat(" ")  # type: ignore[union-attr]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp column that always reads and writes aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)
