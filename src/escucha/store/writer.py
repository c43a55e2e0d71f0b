"""Idempotent writes: a post already stored under (source, native id) is counted, never doubled.

`store_batch` is the one way a batch from a source or a file reaches the store: its posts and
authors, its rejected records, the run's counts and (for a source) its cursor, in one
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from escucha.core.items import Deletion, Item, Rejected
from escucha.core.text import folded_words
from escucha.core.timeutil import UTCDateTime, sqlite_text
from escucha.store import generation
from escucha.store.erased import any_erased, digest, erased_digests, erasure_salt
from escucha.store.schema import (
    authors,
    brand_mentions,
    enrichments,
    import_runs,
    post_engagement,
    post_versions,
    posts,
    raw_payloads,
    settings,
    source_rejects,
    source_state,
)
from escucha.store.search import index_new_posts_at_once
from escucha.store.stats import analyze_grown, vacuum_churned

AuthorKey = tuple[str, str, str]  # (platform, instance, account id)


def dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
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
    return dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(key))


POST_COLUMNS = (
    "source",
    "native_id",
    "author_id",
    "author_handle",
    "text",
    "words",
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
    converted = [
        (i, p) for i, name in enumerate(columns) if (p := _sqlite_processor(table, name, conn))
    ]
    if converted:
        rows = [_convert(row, converted) for row in rows]
    conflict = (
        f" ON CONFLICT ({', '.join(ignore_conflicts_on)}) DO NOTHING" if ignore_conflicts_on else ""
    )
    conn.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))}){conflict}",
        rows,
    )


def _sqlite_processor(table: Table, name: str, conn: Connection) -> Callable[[Any], Any] | None:
    column_type = table.c[name].type
    if isinstance(column_type, UTCDateTime):
        return sqlite_text
    return column_type.bind_processor(conn.dialect)


def _convert(row: tuple, converted: list) -> tuple:
    values = list(row)
    for i, process in converted:
        if values[i] is not None:
            values[i] = process(values[i])
    return tuple(values)


def _insert_posts(conn: Connection, rows: list[tuple]) -> dict[tuple[str, str], int]:
    """Insert posts, skipping stored ones; return the new posts' ids by (source, native id)."""
    if conn.dialect.name == "sqlite":
        # SQLite holds the write lock from the first insert to the commit, so the rows above
        # the previous maximum id are exactly this batch's new posts.
        before = conn.scalar(select(func.max(posts.c.id))) or 0
        index_at_once = index_new_posts_at_once(conn, before)
        insert_rows(conn, posts, POST_COLUMNS, rows, ("source", "native_id"))
        if index_at_once is not None:
            index_at_once()
        new = conn.execute(
            select(posts.c.id, posts.c.source, posts.c.native_id).where(posts.c.id > before)
        )
    else:
        stmt = insert_ignore(conn, posts, ("source", "native_id")).returning(
            posts.c.id, posts.c.source, posts.c.native_id
        )
        new = conn.execute(stmt, [dict(zip(POST_COLUMNS, row, strict=True)) for row in rows])
    return {(src, nid): pid for pid, src, nid in new}


AUTHOR_COLUMNS = ("platform", "instance", "account_id", "handle", "display_name", "first_source")
IDENTITY = ("platform", "instance", "account_id")
_LOOKUP_CHUNK = 900  # bound parameters per lookup, under SQLite's oldest limit (999)


def author_key(item: Item) -> AuthorKey | None:
    """Who wrote `item` on its platform; a file's items without a platform use the source name."""
    account = item.author_id or item.author
    if not account:
        return None
    return (item.platform or item.source, item.instance, account)


def _author_ids(conn: Connection, keys: Iterable[AuthorKey]) -> dict[AuthorKey, int]:
    by_server: dict[tuple[str, str], list[str]] = defaultdict(list)
    for platform, instance, account in keys:
        by_server[(platform, instance)].append(account)
    ids: dict[AuthorKey, int] = {}
    for (platform, instance), accounts in by_server.items():
        for start in range(0, len(accounts), _LOOKUP_CHUNK):
            chunk = accounts[start : start + _LOOKUP_CHUNK]
            if conn.dialect.name == "sqlite":  # straight to the driver, as insert_rows does
                rows = conn.exec_driver_sql(
                    "SELECT account_id, id FROM authors WHERE platform = ? AND instance = ? "
                    f"AND account_id IN ({', '.join('?' * len(chunk))})",
                    (platform, instance, *chunk),
                ).fetchall()
            else:
                rows = conn.execute(
                    select(authors.c.account_id, authors.c.id).where(
                        authors.c.platform == platform,
                        authors.c.instance == instance,
                        authors.c.account_id.in_(chunk),
                    )
                ).all()
            ids.update(((platform, instance, account), id_) for account, id_ in rows)
    return ids


def _store_authors(
    conn: Connection,
    items: Sequence[Item],
    keys: list[AuthorKey | None],
    known: dict[AuthorKey, int],
) -> dict[AuthorKey, int]:
    """Add the authors not stored yet (first seen wins); return the ids `known` lacked."""
    rows: dict[AuthorKey, tuple] = {}
    for it, key in zip(items, keys, strict=True):
        if key is not None and key not in rows and key not in known:
            rows[key] = (*key, it.author or key[2], it.author_name, it.source)
    if not rows:
        return {}
    insert_rows(conn, authors, AUTHOR_COLUMNS, list(rows.values()), IDENTITY)
    return _author_ids(conn, rows)


def _without_erased(
    conn: Connection, items: Sequence[Item], keys: list[AuthorKey | None]
) -> tuple[Sequence[Item], list[AuthorKey | None]]:
    """Drop the items of accounts whose person asked to be forgotten (store/erased.py)."""
    if not items or not any_erased(conn):
        return items, keys
    salt = erasure_salt(conn) or ""
    digests = [digest(salt, *key) if key is not None else None for key in keys]
    erased = erased_digests(conn, {d for d in digests if d is not None})
    if not erased:
        return items, keys
    kept = [(it, key) for it, key, d in zip(items, keys, digests, strict=True) if d not in erased]
    return [it for it, _ in kept], [key for _, key in kept]


def write_batch(conn: Connection, items: Sequence[Item], run_id: int | None) -> int:
    """Store a batch inside the caller's transaction; return how many posts were new."""
    return _write_batch(conn, items, run_id, {})[0]


def _write_batch(
    conn: Connection, items: Sequence[Item], run_id: int | None, known: dict[AuthorKey, int]
) -> tuple[int, dict[AuthorKey, int]]:
    """Store a batch; return how many posts were new and the author ids `known` lacked."""
    keys = [author_key(it) for it in items]
    items, keys = _without_erased(conn, items, keys)
    if not items:
        return 0, {}
    learned = _store_authors(conn, items, keys, known)
    ids = {**known, **learned} if learned else known
    new = _insert_posts(
        conn,
        [
            (
                it.source,
                it.native_id,
                ids.get(key) if key is not None else None,
                it.author,
                it.text,
                folded_words(it.text),
                it.lang,
                it.created_at,
                it.fetched_at,
                it.url,
                it.parent_id,
                it.root_id,
                run_id,
            )
            for it, key in zip(items, keys, strict=True)
        ],
    )
    payloads = []
    counted: list[Item] = []
    stored: set[int] = set()
    for it in items:
        if it.has_counts():
            counted.append(it)
        post_id = new.get((it.source, it.native_id))
        if post_id is not None and post_id not in stored:  # the first of in-batch duplicates
            stored.add(post_id)
            payloads.append((post_id, it.payload()))
    insert_rows(conn, raw_payloads, ("post_id", "payload"), payloads)
    if counted:
        store_counts(conn, counted, ids, new)
    return len(payloads), learned


ENGAGEMENT_COLUMNS = (
    "post_id",
    "followers",
    "likes",
    "reposts",
    "replies",
    "score",
    "engagement",
    "measured_at",
)


def engagement_of(it: Item) -> int:
    """A post's engagement: likes + reposts + replies + score, unknown counts as 0 and a
    negative score as 0 (followers are reach, not engagement)."""
    return (it.likes or 0) + (it.reposts or 0) + (it.replies or 0) + max(it.score or 0, 0)


def store_counts(
    conn: Connection,
    items: Sequence[Item],
    author_ids: dict[AuthorKey, int],
    new: dict[tuple[str, str], int] | None = None,
) -> None:
    """Store (or replace) the reach and engagement counts of `items`: the posts just stored
    by `new`'s ids, the others looked up. The last reading of a post wins; an author takes
    the followers of its latest reading."""
    new = new or {}
    missing: dict[str, list[str]] = defaultdict(list)
    for it in items:
        if (it.source, it.native_id) not in new:
            missing[it.source].append(it.native_id)
    found = dict(new)
    for source, native_ids in missing.items():
        found.update(
            ((source, nid), row.id)
            for nid, row in _stored(conn, source, list(dict.fromkeys(native_ids))).items()
            if row.deleted_at is None
        )
    rows: dict[int, tuple] = {}
    followers: dict[int, int] = {}
    for it in items:
        post_id = found.get((it.source, it.native_id))
        if post_id is None:  # an erased account's post, or a deleted one's edit
            continue
        rows[post_id] = (
            post_id,
            it.followers,
            it.likes,
            it.reposts,
            it.replies,
            it.score,
            engagement_of(it),
            it.fetched_at,
        )
        key = author_key(it)
        if it.followers is not None and key is not None and key in author_ids:
            followers[author_ids[key]] = it.followers
    if not rows:
        return
    _upsert_counts(conn, list(rows.values()))
    if followers and conn.dialect.name == "sqlite":  # straight to the driver, as insert_rows
        conn.exec_driver_sql(
            "UPDATE authors SET followers = ? WHERE id = ?",
            [(n, a) for a, n in followers.items()],
        )
    elif followers:
        conn.execute(
            update(authors)
            .where(authors.c.id == bindparam("author"))
            .values(followers=bindparam("count")),
            [{"author": a, "count": n} for a, n in followers.items()],
        )
    generation.bump(conn)  # the pages' caches see the new counts (reads.versions)


def _upsert_counts(conn: Connection, rows: list[tuple]) -> None:
    """INSERT the counts, replacing a post's earlier ones."""
    changed = ENGAGEMENT_COLUMNS[1:]
    if conn.dialect.name == "sqlite":
        texts: dict[datetime, str] = {}  # a batch's posts were mostly read at one moment
        rows = [
            (*row[:-1], texts.get(row[-1]) or texts.setdefault(row[-1], sqlite_text(row[-1])))
            for row in rows
        ]
        conn.exec_driver_sql(
            f"INSERT INTO post_engagement ({', '.join(ENGAGEMENT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ENGAGEMENT_COLUMNS))}) "
            "ON CONFLICT (post_id) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in changed),
            rows,
        )
        return
    stmt = dialect_insert(conn, post_engagement)
    stmt = stmt.on_conflict_do_update(
        index_elements=["post_id"], set_={c: stmt.excluded[c] for c in changed}
    )
    conn.execute(stmt, [dict(zip(ENGAGEMENT_COLUMNS, row, strict=True)) for row in rows])


class _Stored(NamedTuple):
    id: int
    text: str
    deleted_at: datetime | None


def _stored(conn: Connection, source: str, native_ids: list[str]) -> dict[str, _Stored]:
    """The stored posts of `source` among `native_ids`, by native id."""
    found: dict[str, _Stored] = {}
    for start in range(0, len(native_ids), _LOOKUP_CHUNK):
        chunk = native_ids[start : start + _LOOKUP_CHUNK]
        rows = conn.execute(
            select(posts.c.native_id, posts.c.id, posts.c.text, posts.c.deleted_at).where(
                posts.c.source == source, posts.c.native_id.in_(chunk)
            )
        )
        found.update((nid, _Stored(pid, text, gone)) for nid, pid, text, gone in rows)
    return found


def apply_edits(conn: Connection, source: str, edits: Sequence[Item]) -> list[Item]:
    """Replace the text of stored posts their authors edited, keeping each earlier text in
    `post_versions`; return the edits of posts not stored yet (to be stored as new).

    An edit of a deleted post, or one that leaves the text as stored, changes nothing.
    """
    stored = _stored(conn, source, list(dict.fromkeys(it.native_id for it in edits)))
    unknown: dict[str, Item] = {}
    now = datetime.now(UTC)
    edited = False
    for it in edits:
        row = stored.get(it.native_id)
        if row is None:
            unknown[it.native_id] = it  # the latest version of it
            continue
        if row.deleted_at is not None or row.text == it.text:
            continue
        conn.execute(insert(post_versions).values(post_id=row.id, text=row.text, replaced_at=now))
        conn.execute(
            update(posts)
            .where(posts.c.id == row.id)
            .values(text=it.text, words=folded_words(it.text), edited_at=now)
        )
        conn.execute(
            update(raw_payloads)
            .where(raw_payloads.c.post_id == row.id)
            .values(payload=it.payload())
        )
        conn.execute(delete(enrichments).where(enrichments.c.post_id == row.id))  # read again
        stored[it.native_id] = row._replace(text=it.text)
        edited = True
    if edited:
        generation.bump(conn)
    return list(unknown.values())


def apply_deletions(conn: Connection, source: str, deletions: Sequence[Deletion]) -> int:
    """Tombstone the stored posts deleted on their platform: the text, its earlier versions,
    the raw payload and what was read from it go; the row stays with `deleted_at`. Return how
    many posts were deleted now."""
    stored = _stored(conn, source, list(dict.fromkeys(d.native_id for d in deletions)))
    done = 0
    for gone in deletions:
        row = stored.get(gone.native_id)
        if row is None or row.deleted_at is not None:
            continue
        conn.execute(
            update(posts)
            .where(and_(posts.c.id == row.id, posts.c.deleted_at.is_(None)))
            .values(text="", words="", deleted_at=gone.deleted_at)
        )
        for table in (post_versions, raw_payloads, enrichments, brand_mentions, post_engagement):
            conn.execute(delete(table).where(table.c.post_id == row.id))
        stored[gone.native_id] = row._replace(deleted_at=gone.deleted_at)
        done += 1
    if done:
        generation.bump(conn)
    return done


REJECT_COLUMNS = (
    "source",
    "import_run_id",
    "location",
    "line",
    "reason",
    "payload",
    "rejected_at",
)


def write_rejects(
    conn: Connection, source: str, run_id: int | None, rejected: Sequence[Rejected]
) -> None:
    """Keep every record that could not be read, with its run, place and reason."""
    now = datetime.now(UTC)
    insert_rows(
        conn,
        source_rejects,
        REJECT_COLUMNS,
        [(source, run_id, r.where, r.line, r.reason, r.payload(), now) for r in rejected],
    )


@dataclass(frozen=True, slots=True)
class SourceCursor:
    """Where a configured source resumes; it moves only with the batch it covers."""

    kind: str
    position: dict


def store_batch(
    engine: Engine,
    source: str,
    run_id: int,
    items: Sequence[Item],
    rejected: Sequence[Rejected] = (),
    cursor: SourceCursor | None = None,
    known_authors: dict[AuthorKey, int] | None = None,
    edits: Sequence[Item] = (),
    deletions: Sequence[Deletion] = (),
) -> int:
    """Store one batch of a run in one transaction; return how many posts were new.

    Posts, authors, rejected records, the run's counts and the source's cursor commit
    together, so a crash between batches loses nothing and a re-run duplicates nothing.
    `known_authors` (identity -> id), kept by the caller across the batches of a run, spares
    storing and looking up authors again; it learns a batch's authors once the batch commits.
    `edits` and `deletions` change stored posts (`apply_edits`, `apply_deletions`); an edit
    of a post not stored yet is stored as a new post.
    """
    known = {} if known_authors is None else known_authors
    with engine.begin() as conn:
        new, learned = _write_batch(conn, items, run_id, known)
        unknown = apply_edits(conn, source, edits) if edits else []
        stored_now = {id(it) for it in unknown}  # stored as new posts, counts included
        counted = [it for it in edits if it.has_counts() and id(it) not in stored_now]
        if counted:
            store_counts(conn, counted, {**known, **learned})
        if unknown:
            more, also = _write_batch(conn, unknown, run_id, {**known, **learned})
            new, learned = new + more, {**learned, **also}
        if deletions:
            apply_deletions(conn, source, deletions)
        write_rejects(conn, source, run_id, rejected)
        if cursor is not None:
            now = datetime.now(UTC)
            conn.execute(
                update(source_state)
                .where(source_state.c.source == source)
                .values(
                    kind=cursor.kind,
                    cursor=cursor.position,
                    updated_at=now,
                    last_ok_at=now,
                    collected=source_state.c.collected + new,
                )
            )
        _add_to_run(conn, run_id, new, len(items) + len(edits) - new, len(rejected))
    known.update(learned)
    return new


def start_run(engine: Engine, source: str, location: str, connector_version: str) -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(import_runs).returning(import_runs.c.id),
            {
                "source": source,
                "location": location,
                "connector_version": connector_version,
                "started_at": datetime.now(UTC),
                "status": "running",
                "accepted": 0,
                "duplicate": 0,
                "rejected": 0,
            },
        ).scalar_one()


def _add_to_run(
    conn: Connection, run_id: int, accepted: int, duplicate: int, rejected: int
) -> None:
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
    """Close an import or collection run; on PostgreSQL, analyse the tables it grew."""
    with engine.begin() as conn:
        conn.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(status=status, finished_at=datetime.now(UTC), **values)
        )
        run = dict(
            conn.execute(select(import_runs).where(import_runs.c.id == run_id)).one()._mapping
        )
    analyze_grown(engine, {"posts": run["accepted"], "authors": 0, "post_engagement": 0})
    vacuum_churned(engine)
    return run


def put_setting(conn: Connection, key: str, value: str) -> None:
    stmt = dialect_insert(conn, settings).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))
