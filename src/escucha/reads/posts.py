"""Posts with their enrichments: the one column list and the one query every face reads them
with (the DataFrame, the explorer and post page, the REST API, exports).

Enrichments come from one model version (or every version for the DataFrame's
`all_versions`); posts it has not read have empty enrichment columns. Brands come from a
second query keyed by post id (the frame) or a subquery of the post's row (pages), never from
a join that would repeat the post.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, overload

from sqlalchemy import Connection, Engine, Label, Select, and_, case, func, select

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.core.timeutil import as_utc
from escucha.errors import NotFound
from escucha.query import Query, select_posts
from escucha.store.schema import (
    LIVE_POSTS,
    authors,
    brand_mentions,
    enrichments,
    import_runs,
    post_engagement,
    post_labels,
    posts,
    raw_payloads,
)

PROBABILITIES = (*SENTIMENTS, *INTENTS)
LABELLED = ("sentiment", "intents", "labelled_by")
"""The columns an analyst's labels decide (escucha.understand.corrections)."""
COUNTS = ("followers", "likes", "reposts", "replies", "score", "engagement")
"""Reach and engagement as the source gave them (None: not given; see store post_engagement)."""

_SQL = {
    "id": posts.c.id,
    "source": posts.c.source,
    "native_id": posts.c.native_id,
    "author": posts.c.author_handle.label("author"),
    "text": posts.c.text,
    "created_at": posts.c.created_at,
    "url": posts.c.url,
    "parent_id": posts.c.parent_id,
    "root_id": posts.c.root_id,
    "model_version": enrichments.c.model_version,
    "lang": enrichments.c.lang,
    # An analyst's labels override the model's (the probabilities stay the model's).
    "sentiment": func.coalesce(post_labels.c.sentiment, enrichments.c.sentiment).label("sentiment"),
    **{name: enrichments.c[name] for name in PROBABILITIES},
    "intents": case(
        (post_labels.c.intents.is_not(None), post_labels.c.intents), else_=enrichments.c.intents
    ).label("intents"),
    "labelled_by": post_labels.c.labelled_by,
    **{name: post_engagement.c[name] for name in COUNTS},
}
POST_COLUMNS = (*_SQL, "brands")
"""Every column of a post with its enrichments, in the DataFrame's order."""

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
    "labelled_by",
    *COUNTS,
)
"""The columns the explorer, the REST API and exports show (no thread ids), in their order."""


class PostRow(TypedDict):
    """A post as `fetch` gives it: the EXPORT_COLUMNS."""

    id: int
    source: str
    native_id: str
    author: str | None
    created_at: datetime | None
    url: str | None
    text: str
    lang: str | None
    sentiment: str | None
    negative: float | None
    neutral: float | None
    positive: float | None
    wish: float | None
    complaint: float | None
    question: float | None
    praise: float | None
    promo: float | None
    intents: list[str]
    brands: list[str]
    model_version: str | None
    labelled_by: str | None  # the analyst whose labels override the model's, if any
    followers: int | None
    likes: int | None
    reposts: int | None
    replies: int | None
    score: int | None
    engagement: int | None


class PostDetail(PostRow):
    """A post with everything known about it (`detail`)."""

    lang_hint: str | None
    fetched_at: datetime | None
    parent_id: str | None
    root_id: str | None
    import_run_id: int | None
    display_name: str | None
    profile_url: str | None
    location: str | None
    counted_at: datetime | None  # when the source gave the counts (None: it gave none)
    payload_pretty: str | None


def posts_query(model_version: str | None, columns: Sequence[str] = POST_COLUMNS) -> Select:
    """SELECT `columns` (names from POST_COLUMNS, except "brands") of every post, joined to
    its enrichment by `model_version` (None: one row per version it was read by)."""
    join = posts.c.id == enrichments.c.post_id
    if model_version is not None:
        join = and_(join, enrichments.c.model_version == model_version)
    source = posts.outerjoin(enrichments, join)
    if any(name in LABELLED for name in columns):
        source = source.outerjoin(post_labels, post_labels.c.post_id == posts.c.id)
    if any(name in COUNTS for name in columns):
        source = source.outerjoin(post_engagement, post_engagement.c.post_id == posts.c.id)
    return (
        select(*(_SQL[name] for name in columns if name != "brands"))
        .select_from(source)
        .where(LIVE_POSTS)
    )


def brands_query(ids: Sequence[int] | None = None) -> Select:
    """(post id, brand) of every mention, or of the mentions of `ids`, by post id."""
    query = select(brand_mentions.c.post_id, brand_mentions.c.brand)
    if ids is not None:
        query = query.where(brand_mentions.c.post_id.in_(list(ids)))
    return query.order_by(brand_mentions.c.post_id)


def known_native_ids(conn: Connection, source: str, native_ids: Sequence[str]) -> set[str]:
    """Which of these native ids of `source` are stored already."""
    return set(
        conn.scalars(
            select(posts.c.native_id).where(
                posts.c.source == source, posts.c.native_id.in_(list(native_ids))
            )
        )
    )


@dataclass(frozen=True)
class Selection:
    """The posts a filter selects: `ids` ascending, or None for every post."""

    ids: tuple[int, ...] | None

    def total(self, conn: Connection) -> int:
        if self.ids is not None:
            return len(self.ids)
        return int(conn.scalar(select(func.count()).select_from(posts).where(LIVE_POSTS)) or 0)

    def before(self, conn: Connection, cursor: int | None, limit: int) -> list[int]:
        """Up to `limit` ids below `cursor` (all when None), highest first."""
        if self.ids is not None:
            end = len(self.ids) if cursor is None else bisect.bisect_left(self.ids, cursor)
            return list(reversed(self.ids[max(0, end - limit) : end]))
        stmt = select(posts.c.id).where(LIVE_POSTS).order_by(posts.c.id.desc()).limit(limit)
        if cursor is not None:
            stmt = stmt.where(posts.c.id < cursor)
        return list(conn.scalars(stmt))


_ORDER_BATCH = 100_000  # ids read at a time into an order

SORTS = ("newest", "oldest", "engagement", "reach")
"""The explorer's orders: by the post's date, newest or oldest first (undated posts last); by
engagement (likes + reposts + replies + score) or by reach (the author's followers), highest
first (posts without the count last)."""


class PostOrder(Sequence[int]):
    """Post ids in one order, held as one int64 array: 8 bytes an id. The order of 10M posts
    is 80 MB this way; as a tuple of Python ints it was 360 MB, more than the web app's cache
    keeps, so every explorer request read and sorted every post again."""

    def __init__(self, ids: Any) -> None:
        import numpy as np

        self.ids = np.asarray(ids, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self.ids[index].tolist())
        return int(self.ids[index])

    def __sizeof__(self) -> int:
        return object.__sizeof__(self) + int(self.ids.nbytes)

    def keep(self, chosen: Sequence[int]) -> PostOrder:
        """The ids of `chosen` in this order (those it does not hold are left out)."""
        import numpy as np

        if not len(chosen) or not len(self.ids):
            return PostOrder(())
        wanted = np.asarray(chosen, dtype=np.int64)
        mask = np.zeros(max(int(self.ids.max()), int(wanted.max())) + 1, dtype=bool)
        mask[wanted] = True
        return PostOrder(self.ids[mask[self.ids]])


def sorted_ids(conn: Connection, sort: str) -> PostOrder:
    """The ids of every post in `sort` order (SORTS); posts without a date (or the count)
    come last, and ties by id, newest first (oldest first for "oldest"). Read in batches,
    never as one list of Python ints."""
    ident = posts.c.id
    if sort in ("engagement", "reach"):
        counted = (
            post_engagement.c.engagement if sort == "engagement" else post_engagement.c.followers
        )
        stmt = (
            select(ident)
            .select_from(posts.outerjoin(post_engagement, post_engagement.c.post_id == posts.c.id))
            .where(LIVE_POSTS)
            .order_by(counted.is_(None), counted.desc(), ident.desc())
        )
        return _read_order(conn, stmt)
    newest = sort == "newest"
    created = posts.c.created_at
    stmt = (
        select(ident)
        .where(LIVE_POSTS)
        .order_by(
            created.is_(None),
            created.desc() if newest else created.asc(),
            ident.desc() if newest else ident.asc(),
        )
    )
    return _read_order(conn, stmt)


def _read_order(conn: Connection, stmt: Select) -> PostOrder:
    import numpy as np

    ids: list[Any] = []
    with conn.execute(stmt.execution_options(yield_per=_ORDER_BATCH)) as rows:
        for batch in rows.partitions():
            ids.append(np.fromiter((row[0] for row in batch), dtype=np.int64, count=len(batch)))
    return PostOrder(np.concatenate(ids) if ids else ())


def select_ids(
    conn: Connection, query: Query | None, model_version: str, budget: float | None = None
) -> Selection:
    """The posts `query` selects; past `budget` seconds, QueryTooSlow."""
    if query is None:
        return Selection(None)
    return Selection(tuple(select_posts(conn, query, model_version, budget=budget)))


def page(
    conn: Connection, selection: Selection, model_version: str, cursor: int | None, limit: int
) -> tuple[list[PostRow], int | None]:
    """One page of posts, newest stored first, and the cursor of the next (None on the last)."""
    ids = selection.before(conn, cursor, limit + 1)
    more = len(ids) > limit
    ids = ids[:limit]
    rows = fetch(conn, ids, model_version)
    return rows, (ids[-1] if more and ids else None)


_BRAND_SEPARATOR = "\x1f"  # the unit separator: config.py refuses it in a brand name


def _brands_of_post() -> Label:
    """The post's brands in one string (its mentions by every matcher; sorted and made
    unique in `_shaped`): a column of the post's own row, so a page of posts is one
    statement."""
    return (
        select(func.aggregate_strings(brand_mentions.c.brand, _BRAND_SEPARATOR))
        .where(brand_mentions.c.post_id == posts.c.id)
        .scalar_subquery()
        .label("brands")
    )


def _shaped(row: Any) -> dict:
    post = dict(row._mapping)
    post["created_at"] = as_utc(post["created_at"])
    post["intents"] = list(post["intents"]) if isinstance(post["intents"], list) else []
    post["brands"] = sorted(set(post["brands"].split(_BRAND_SEPARATOR))) if post["brands"] else []
    return post


def fetch(conn: Connection, ids: Sequence[int], model_version: str) -> list[PostRow]:
    """The posts with these ids, in this order, with enrichment and brands (sorted)."""
    if not ids:
        return []
    stmt = posts_query(model_version, EXPORT_COLUMNS).add_columns(_brands_of_post())
    found: dict[int, Any] = {
        row.id: _shaped(row) for row in conn.execute(stmt.where(posts.c.id.in_(list(ids))))
    }
    return [found[post_id] for post_id in ids if post_id in found]


def detail(conn: Connection, post_id: int, model_version: str) -> PostDetail:
    """One post with everything known about it: author, import run, raw payload (one
    statement)."""
    stmt = (
        posts_query(model_version, EXPORT_COLUMNS)
        .add_columns(
            _brands_of_post(),
            posts.c.lang_hint,
            posts.c.fetched_at,
            posts.c.parent_id,
            posts.c.root_id,
            posts.c.import_run_id,
            authors.c.display_name,
            authors.c.profile_url,
            import_runs.c.location,
            raw_payloads.c.payload,
            post_engagement.c.measured_at.label("counted_at"),
        )
        .outerjoin(authors, authors.c.id == posts.c.author_id)
        .outerjoin(import_runs, import_runs.c.id == posts.c.import_run_id)
        .outerjoin(raw_payloads, raw_payloads.c.post_id == posts.c.id)
        .where(posts.c.id == post_id)
    )
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"no post #{post_id}")
    post: Any = _shaped(row)
    post["fetched_at"] = as_utc(post["fetched_at"])
    post["counted_at"] = as_utc(post["counted_at"])
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
) -> Iterator[list[PostRow]]:
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
