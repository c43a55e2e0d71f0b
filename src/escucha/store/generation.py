"""The data generation: a counter in `settings` moved by every change that the indexed
maxima of `reads.versions.data_version` cannot see (a post edited, tombstoned or erased).

It lives in the store, not in a process, so every web worker's cache sees the change on its
next request."""

from __future__ import annotations

from sqlalchemy import Connection, Integer, String, cast, select, update

from escucha.store.schema import settings

KEY = "data_generation"


def bump(conn: Connection) -> None:
    """One more generation, inside the caller's transaction (atomic across processes)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(settings).values(key=KEY, value="0").on_conflict_do_nothing())
    conn.execute(
        update(settings)
        .where(settings.c.key == KEY)
        .values(value=cast(cast(settings.c.value, Integer) + 1, String))
    )


def current(conn: Connection) -> int:
    value = conn.scalar(select(settings.c.value).where(settings.c.key == KEY))
    return int(value) if value is not None else 0
