"""A query's time budget: the database stops a statement that runs past it (SQLite's progress
handler, PostgreSQL's statement_timeout) and the Python stage checks it between rows."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from escucha.query.errors import QueryTooSlow

_SQLITE_STEPS = 1000  # virtual machine instructions between two looks at the clock


class Deadline:
    """`seconds` from now; `check()` raises QueryTooSlow once they have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def check(self) -> None:
        if self.passed:
            raise QueryTooSlow(self.seconds)


@contextmanager
def time_budget(conn: Connection, seconds: float | None) -> Iterator[Deadline | None]:
    """Run the block's statements on `conn` under a budget of `seconds` (None: no budget)."""
    if seconds is None:
        yield None
        return
    deadline = Deadline(seconds)
    try:
        if conn.dialect.name == "sqlite":
            with _sqlite_budget(conn, deadline):
                yield deadline
        elif conn.dialect.name == "postgresql":
            with _postgres_budget(conn, deadline):
                yield deadline
        else:
            yield deadline
    except OperationalError as exc:
        if deadline.passed or _cancelled(exc):
            raise QueryTooSlow(seconds) from None
        raise


def _cancelled(exc: OperationalError) -> bool:
    return type(exc.orig).__name__ == "QueryCanceled"  # psycopg's statement_timeout


@contextmanager
def _sqlite_budget(conn: Connection, deadline: Deadline) -> Iterator[None]:
    raw: Any = conn.connection.driver_connection
    raw.set_progress_handler(lambda: 1 if deadline.passed else 0, _SQLITE_STEPS)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgres_budget(conn: Connection, deadline: Deadline) -> Iterator[None]:
    """SET LOCAL: the timeout ends with the transaction; the previous one is put back."""
    before = conn.exec_driver_sql("SHOW statement_timeout").scalar()
    milliseconds = max(1, int(deadline.seconds * 1000))
    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
    yield
    conn.exec_driver_sql("SELECT set_config('statement_timeout', %(v)s, true)", {"v": before})
