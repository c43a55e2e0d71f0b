"""Idempotent writes: a post already stored under (source, native id) is counted, never doubled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from escucha.core.items import Item
from escucha.store.schema import authors, import_runs, posts, raw_payloads, settings


def _dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that knows ON CONFLICT, in the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database: {conn.dialect.name}")


def insert_ignore(
    conn: Connection, table: Table, key: Sequence[str]
) -> postgresql.Insert | sqlite.Insert:
    """INSERT ... ON CONFLICT (key) DO NOTHING."""
    return _dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(key))


POST_COLUMNS = (
    "source",
    "native_id",
    "author_handle",
    "text",
    "lang_hint",
    "created_at",
    "fetched_at",
    "url",
    "parent_id",
    "root_id",
    "import_run_id",
)


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple],
    ignore_conflicts_on: Sequence[str] | None = None,
) -> None:
    """INSERT many rows, optionally skipping those that clash on a unique key.

    On SQLite this goes straight to the driver's executemany (with SQLAlchemy's own type
    conversions), which is what lets an import keep up with a fast file reader.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        stmt = (
            insert_ignore(conn, table, ignore_conflicts_on)
            if ignore_conflicts_on
            else insert(table)
        )
        conn.execute(stmt, [dict(zip(columns, row, strict=True)) for row in rows])
        return
    processors = [table.c[name].type.bind_processor(conn.dialect) for name in columns]
    if any(processors):
        rows = [
            tuple(
                v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True)
            )
            for row in rows
        ]
    conflict = (
        f" ON CONFLICT ({', '.join(ignore_conflicts_on)}) DO NOTHING" if ignore_conflicts_on else ""
    )
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))}){conflict}",
        rows,
    )


def _insert_posts(conn: Connection, rows: list[tuple]) -> dict[tuple[str, str], int]:
    """Insert posts, skipping stored ones; return the new posts' ids by (source, native id)."""
    if conn.dialect.name == "sqlite":
        # SQLite holds the write lock from the first insert to the commit, so the rows above
        # the previous maximum id are exactly this batch's new posts.
        before = conn.scalar(select(func.max(posts.c.id))) or 0
        insert_rows(conn, posts, POST_COLUMNS, rows, ("source", "native_id"))
        new = conn.execute(
            select(posts.c.id, posts.c.source, posts.c.native_id).where(posts.c.id > before)
        )
    else:
        stmt = insert_ignore(conn, posts, ("source", "native_id")).returning(
            posts.c.id, posts.c.source, posts.c.native_id
        )
        new = conn.execute(stmt, [dict(zip(POST_COLUMNS, row, strict=True)) for row in rows])
    return {(src, nid): pid for pid, src, nid in new}


def write_batch(conn: Connection, items: Sequence[Item], run_id: int | None) -> int:
    """Store a batch inside the caller's transaction; return how many posts were new."""
    if not items:
        return 0
    author_rows = {}
    for it in items:
        if it.author and (it.source, it.author) not in author_rows:
            author_rows[(it.source, it.author)] = (it.source, it.author, it.author_name)
    insert_rows(
        conn,
        authors,
        ("source", "handle", "display_name"),
        list(author_rows.values()),
        ("source", "handle"),
    )
    new = _insert_posts(
        conn,
        [
            (
                it.source,
                it.native_id,
                it.author,
                it.text,
                it.lang,
                it.created_at,
                it.fetched_at,
                it.url,
                it.parent_id,
                it.root_id,
                run_id,
            )
            for it in items
        ],
    )
    payloads = []
    for it in items:
        post_id = new.pop((it.source, it.native_id), None)  # the first of in-batch duplicates
        if post_id is not None:
            payloads.append((post_id, it.payload()))
    insert_rows(conn, raw_payloads, ("post_id", "payload"), payloads)
    return len(payloads)


def start_run(engine: Engine, source: str, location: str) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(import_runs).returning(import_runs.c.id),
            {
                "source": source,
                "location": location,
                "started_at": datetime.now(UTC),
                "status": "running",
                "accepted": 0,
                "duplicate": 0,
                "rejected": 0,
            },
        ).scalar_one()


def add_to_run(conn: Connection, run_id: int, accepted: int, duplicate: int, rejected: int) -> None:
    """Counts move with the batch's own transaction, so they always match what was stored."""
    conn.execute(
        update(import_runs)
        .where(import_runs.c.id == run_id)
        .values(
            accepted=import_runs.c.accepted + accepted,
            duplicate=import_runs.c.duplicate + duplicate,
            rejected=import_runs.c.rejected + rejected,
        )
    )


def finish_run(engine: Engine, run_id: int, status: str, **values: object) -> dict[str, Any]:
    with engine.begin() as conn:
        conn.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(status=status, finished_at=datetime.now(UTC), **values)
        )
        return dict(
            conn.execute(select(import_runs).where(import_runs.c.id == run_id)).one()._mapping
        )


def put_setting(conn: Connection, key: str, value: str) -> None:
    stmt = _dialect_insert(conn, settings).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
