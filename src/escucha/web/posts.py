"""Reading posts for the explorer, the post page, the API and exports: newest stored first
(descending id), with keyset pagination (`cursor` = the last id of the previous page)."""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, func, select

from escucha.core.timeutil import as_utc
from escucha.query import Query, select_posts
from escucha.store.schema import (
    authors,
    brand_mentions,
    enrichments,
    import_runs,
    posts,
    raw_payloads,
)

PROBABILITIES = (
    "negative",
    "neutral",
    "positive",
    "wish",
    "complaint",
    "question",
    "praise",
    "promo",
)
EXPORT_COLUMNS = (
    "id",
    "source",
    "native_id",
    "author",
    "created_at",
    "url",
    "text",
    "lang",
    "sentiment",
    *PROBABILITIES,
    "intents",
    "brands",
    "model_version",
)
_CHUNK = 900


@dataclass(frozen=True)
class Selection:
    """The posts a filter selects: `ids` ascending, or None for every post."""

    ids: tuple[int, ...] | None

    def total(self, conn: Connection) -> int:
        if self.ids is not None:
            return len(self.ids)
        return int(conn.scalar(select(func.count()).select_from(posts)) or 0)

    def before(self, conn: Connection, cursor: int | None, limit: int) -> list[int]:
        """Up to `limit` ids below `cursor` (all when None), highest first."""
        if self.ids is not None:
            end = len(self.ids) if cursor is None else bisect.bisect_left(self.ids, cursor)
            return list(reversed(self.ids[max(0, end - limit) : end]))
        stmt = select(posts.c.id).order_by(posts.c.id.desc()).limit(limit)
        if cursor is not None:
            stmt = stmt.where(posts.c.id < cursor)
        return list(conn.scalars(stmt))


def select_ids(conn: Connection, query: Query | None, model_version: str) -> Selection:
    if query is None:
        return Selection(None)
    return Selection(tuple(select_posts(conn, query, model_version)))


def page(
    conn: Connection, selection: Selection, model_version: str, cursor: int | None, limit: int
) -> tuple[list[dict], int | None]:
    """One page of posts and the cursor of the next (None on the last page)."""
    ids = selection.before(conn, cursor, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    rows = fetch(conn, ids, model_version)
    return rows, (ids[-1] if more and ids else None)


def fetch(conn: Connection, ids: Sequence[int], model_version: str) -> list[dict]:
    """The posts with these ids, in this order, with enrichment and brands."""
    if not ids:
        return []
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    stmt = (
        select(
            posts.c.id,
            posts.c.source,
            posts.c.native_id,
            posts.c.author_handle.label("author"),
            posts.c.created_at,
            posts.c.url,
            posts.c.text,
            enrichments.c.lang,
            enrichments.c.sentiment,
            *(enrichments.c[p] for p in PROBABILITIES),
            enrichments.c.intents,
            enrichments.c.model_version,
        )
        .select_from(posts.outerjoin(enrichments, join))
        .where(posts.c.id.in_(list(ids)))
    )
    found = {row.id: dict(row._mapping) for row in conn.execute(stmt)}
    brands: dict[int, set[str]] = defaultdict(set)
    for post_id, brand in conn.execute(
        select(brand_mentions.c.post_id, brand_mentions.c.brand).where(
            brand_mentions.c.post_id.in_(list(ids))
        )
    ):
        brands[post_id].add(brand)
    result = []
    for post_id in ids:
        row = found.get(post_id)
        if row is None:
            continue
        row["created_at"] = as_utc(row["created_at"])
        row["intents"] = list(row["intents"]) if isinstance(row["intents"], list) else []
        row["brands"] = sorted(brands.get(post_id, ()))
        result.append(row)
    return result


def detail(conn: Connection, post_id: int, model_version: str) -> dict | None:
    """One post with everything known about it: author, import run, raw payload."""
    rows = fetch(conn, [post_id], model_version)
    if not rows:
        return None
    post = rows[0]
    extra = conn.execute(
        select(
            posts.c.lang_hint,
            posts.c.fetched_at,
            posts.c.parent_id,
            posts.c.root_id,
            posts.c.import_run_id,
            authors.c.display_name,
            authors.c.profile_url,
            import_runs.c.location,
            raw_payloads.c.payload,
        )
        .select_from(
            posts.outerjoin(
                authors,
                and_(authors.c.source == posts.c.source, authors.c.handle == posts.c.author_handle),
            )
            .outerjoin(import_runs, import_runs.c.id == posts.c.import_run_id)
            .outerjoin(raw_payloads, raw_payloads.c.post_id == posts.c.id)
        )
        .where(posts.c.id == post_id)
    ).first()
    post.update(dict(extra._mapping))
    post["fetched_at"] = as_utc(post["fetched_at"])
    post["payload_pretty"] = pretty_payload(post.pop("payload"))
    return post


def pretty_payload(payload: str | None) -> str | None:
    """The raw payload indented for reading; shown as text, never as markup."""
    if payload is None:
        return None
    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return payload


def iter_batches(
    engine: Engine, selection: Selection, model_version: str, batch: int = 1000
) -> Iterator[list[dict]]:
    """Every selected post in pages of `batch`, newest first, each page in its own
    short-lived connection so a slow download never holds the database."""
    cursor: int | None = None
    while True:
        with engine.connect() as conn:
            ids = selection.before(conn, cursor, batch)
            if not ids:
                return
            rows = fetch(conn, ids, model_version)
        yield rows
        cursor = ids[-1]
