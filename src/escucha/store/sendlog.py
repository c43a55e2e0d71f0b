"""Claiming a row of a sent-log before sending: one row per thing sent (unique on its key), so
a retried job, a second run or a second worker sends nothing twice.

A row is `claimed` while one attempt is under way, `sent` once the receiver accepted, `failed`
when it refused; a failed row is taken again by a later attempt while it has fewer than
`max_attempts` attempts, and a `claimed` row left by a dead worker once it is older than
`stale`. The table needs the columns `id`, `status`, `attempts`, `started_at` and `error`
besides its key. Used by the product tests' emailed invitations (panels/sending.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import sqlalchemy as sa

from escucha.store.writer import insert_ignore


def _retryable(
    table: sa.Table, now: datetime, max_attempts: int, stale: timedelta
) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(table.c.status == "failed", table.c.attempts < max_attempts),
        sa.and_(table.c.status == "claimed", table.c.started_at < now - stale),
    )


def claim(
    conn: sa.Connection,
    table: sa.Table,
    key: Mapping[str, object],
    now: datetime,
    *,
    max_attempts: int,
    stale: timedelta,
    fresh: Mapping[str, object] | None = None,
) -> sa.Row | None:
    """Take the row of `key` for this attempt, inside the caller's transaction: a new row
    (with the `fresh` values) or a retryable one; the row as taken, or None when it was sent
    or another attempt holds it."""
    where = [table.c[name] == value for name, value in key.items()]
    new = conn.execute(
        insert_ignore(conn, table, tuple(key))
        .values(**key, **(fresh or {}), status="claimed", attempts=1, started_at=now)
        .returning(table.c.id)
    ).scalar()
    if new is None:
        taken = conn.execute(
            sa.update(table)
            .where(*where, _retryable(table, now, max_attempts, stale))
            .values(status="claimed", attempts=table.c.attempts + 1, started_at=now, error=None)
        )
        if taken.rowcount != 1:
            return None
    return conn.execute(sa.select(table).where(*where)).one()


def mark(engine: sa.Engine, table: sa.Table, row_id: int, **values: object) -> None:
    """Write the attempt's outcome (`status` and what goes with it) in its own transaction."""
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == row_id).values(**values))
