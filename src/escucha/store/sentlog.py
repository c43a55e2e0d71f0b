"""A sent-log: one row per thing to send once (a digest's period, a survey's invitation to one
contact), claimed before anything is sent, so a job run twice, two workers, or a retry after
an error send it once.

A row is in progress (each table names that status: `sending`, `claimed`) while one attempt
holds it, `sent` once the receiver accepted, `failed` (with the error) when it refused; a
failed row is taken again by a later attempt, up to MAX_ATTEMPTS attempts, and an in-progress
row left by a dead worker after STALE. One gap stays: a worker killed after the receiver
accepted and before its row says `sent` sends again after STALE (at least once, not exactly
once, for that crash only); the senders give every attempt the same message id, so the
receiver can tell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, Table

from escucha.store.writer import insert_ignore

MAX_ATTEMPTS = 5
STALE = timedelta(minutes=15)  # an in-progress row older than this was left by a dead worker


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class SentLog:
    """A sent-log table: `id`, the columns of `key` (unique together), `status`, `attempts`,
    `started_at` (of the latest attempt), `sent_at` and `error`."""

    table: Table
    key: tuple[str, ...]
    in_progress: str  # the status of a row an attempt holds

    def where(self, key: Mapping[str, Any]) -> list[sa.ColumnElement[bool]]:
        """The conditions selecting the row of `key` (a value for each key column)."""
        return [self.table.c[name] == key[name] for name in self.key]

    def retryable(self, now: datetime) -> sa.ColumnElement[bool]:
        """Rows a new attempt may take: failed fewer than MAX_ATTEMPTS times, or stale."""
        c = self.table.c
        return sa.or_(
            sa.and_(c.status == "failed", c.attempts < MAX_ATTEMPTS),
            sa.and_(c.status == self.in_progress, c.started_at < now - STALE),
        )

    def claim(
        self, conn: Connection, key: Mapping[str, Any], now: datetime, **first: Any
    ) -> int | None:
        """Take the row of `key` for this attempt (a new row gets the `first` values too), in
        the caller's transaction; its id, or None when it was sent or another attempt holds
        it."""
        new = conn.execute(
            insert_ignore(conn, self.table, self.key)
            .values(**key, **first, status=self.in_progress, attempts=1, started_at=now)
            .returning(self.table.c.id)
        ).scalar()
        if new is not None:
            return int(new)
        taken = conn.execute(
            sa.update(self.table)
            .where(*self.where(key), self.retryable(now))
            .values(
                status=self.in_progress,
                attempts=self.table.c.attempts + 1,
                started_at=now,
                error=None,
            )
            .returning(self.table.c.id)
        ).scalar()
        return None if taken is None else int(taken)

    def mark(self, engine: Engine, row_id: int, **values: Any) -> None:
        with engine.begin() as conn:
            conn.execute(self.table.update().where(self.table.c.id == row_id).values(**values))

    def mark_sent(self, engine: Engine, row_id: int, **values: Any) -> None:
        """The receiver accepted: the row is done (with `values` too)."""
        self.mark(engine, row_id, status="sent", sent_at=datetime.now(UTC), error=None, **values)

    @contextmanager
    def failures(
        self,
        engine: Engine,
        row_id: int,
        refused: type[Exception],
        redact: Callable[[str], str] = _same,
    ) -> Iterator[None]:
        """Around an attempt: whatever it raises marks the row `failed` and goes on. The error
        kept is the `refused` exception's message (a refusal, worded for the user), any other
        exception's type and message, or `interrupted`; `redact` takes out what the log must
        not keep (an address)."""
        try:
            yield
        except refused as exc:
            self.mark(engine, row_id, status="failed", error=redact(str(exc))[:2000])
            raise
        except Exception as exc:
            error = redact(f"{type(exc).__name__}: {exc}")[:500]
            self.mark(engine, row_id, status="failed", error=error)
            raise
        except BaseException:
            self.mark(engine, row_id, status="failed", error="interrupted")
            raise
