"""A field-only filter's posts counted per UTC day from the rollups, and read in date order a
span of days at a time.

The explorer's filters are mostly fields: a brand, a sentiment, a language, a period. Their
posts need not be selected one by one (seconds at 10M posts, every id held in memory) to
show how many there are and one page of them: the mention rollup counts a brand's posts per
day, language and sentiment (a post mentions a brand once: one brand matcher at a time,
escucha.enrich), the post rollup every post per day and language. From those per-day counts a
page's position is found without reading any post; then one SQL query with LIMIT reads just
the days that page covers, in the order of reads.posts.sorted_ids.

A query the rollups cannot count exactly (free text, a NOT or an OR, a source, an intent, a
sentiment without a brand, a language where some post was not read by the model) gets None,
and the caller selects its posts as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, String, and_, func, literal, select

from escucha.core.labels import UNKNOWN_LANG
from escucha.query import Query
from escucha.query.ast import And, DateRange, Field, Node
from escucha.query.fields import ascii_lower
from escucha.query.sql import AsciiLower, exact_condition, without_jit
from escucha.reads.posts import Selection
from escucha.store import rollup
from escucha.store.schema import LIVE_POSTS, mention_rollup, post_rollup, posts

DATE_SORTS = ("newest", "oldest")
"""The orders a span of days can be read in (by the post's date; undated posts last)."""
_FIELDS = ("brand", "sentiment", "lang")


def _fields(query: Query | None) -> tuple[dict[str, str], DateRange | None] | None:
    """The query as at most one brand, sentiment, language and date range ANDed, else None."""
    if query is None:
        return {}, None
    root: Node = query.root
    children = root.children if isinstance(root, And) else (root,)
    fields: dict[str, str] = {}
    period: DateRange | None = None
    for child in children:
        if isinstance(child, DateRange) and period is None:
            period = child
        elif isinstance(child, Field) and child.name in _FIELDS and child.name not in fields:
            fields[child.name] = child.value
        else:
            return None
    if "sentiment" in fields and "brand" not in fields:
        return None  # the post rollup has no sentiment
    return fields, period


def day_counts(conn: Connection, query: Query | None, model_version: str) -> dict[str, int] | None:
    """How many posts `query` selects on each UTC day (YYYY-MM-DD; rollup.UNDATED: posts
    without a date), days without one left out; None when the rollups cannot say exactly.
    Brings the rollups up to date first (store.rollup.refresh)."""
    shape = _fields(query)
    if shape is None:
        return None
    fields, period = shape
    rollup.refresh(conn, model_version)
    if "brand" in fields:
        r = mention_rollup.c
        stmt = select(r.day, r.lang, r.brand, r.mentions).where(
            r.model_version == model_version, AsciiLower(r.brand) == fields["brand"]
        )
        if "sentiment" in fields:
            stmt = stmt.where(r.sentiment == fields["sentiment"])
        day = r.day
    else:
        p = post_rollup.c
        stmt = select(p.day, p.lang, literal("", String), p.posts).where(
            p.model_version == model_version
        )
        day = p.day
    if period is not None:  # whole UTC days as YYYY-MM-DD text: compared as text
        stmt = stmt.where(day != rollup.UNDATED)
        if period.start is not None:
            stmt = stmt.where(day >= period.start.isoformat())
        if period.end is not None:
            stmt = stmt.where(day < period.end.isoformat())
    brands: set[str] = set()
    counts: dict[str, int] = {}
    for found, lang, brand, n in conn.execute(stmt):
        brands.add(brand)
        if "lang" in fields:
            if lang == UNKNOWN_LANG:  # not read by the model: the query reads the source's
                return None
            lowered = ascii_lower(lang)
            if lowered != fields["lang"] and not lowered.startswith(fields["lang"] + "-"):
                continue
        counts[found] = counts.get(found, 0) + int(n)
    if len(brands) > 1:  # brand names differing in case only: a post may hold several
        return None
    return {d: n for d, n in counts.items() if n}


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)


def _condition(conn: Connection, query: Query | None, model_version: str) -> ColumnElement[bool]:
    """The SQL condition of a field-only query's posts (every live post without one)."""
    if query is None:
        return LIVE_POSTS
    where = exact_condition(conn, query.root, model_version)
    if where is None:
        raise ValueError(f"not a field-only query: {query.text!r}")
    return where


def page_ids(
    conn: Connection,
    query: Query | None,
    model_version: str,
    days: Mapping[str, int],
    sort: str,
    start: int,
    stop: int,
) -> list[int]:
    """The ids at positions `start` to `stop` (excluded) of the posts `query` selects in
    `sort` order (DATE_SORTS, as reads.posts.sorted_ids orders them), `days` their
    `day_counts`: one query over the dated days the page covers, one over the undated."""
    newest = sort == "newest"
    where = _condition(conn, query, model_version)
    dated = sorted((d for d in days if d != rollup.UNDATED), reverse=newest)
    covered: list[str] = []
    skip, position = 0, 0
    for day in dated:
        n = days[day]
        if position + n > start and position < stop:
            if not covered:
                skip = start - position
            covered.append(day)
        position += n
    ids: list[int] = []
    created, ident = posts.c.created_at, posts.c.id
    if covered:
        first, last = min(covered), max(covered)
        span = and_(created >= _midnight(first), created < _midnight(last) + timedelta(days=1))
        order = (created.desc(), ident.desc()) if newest else (created.asc(), ident.asc())
        stmt = select(ident).where(where, span).order_by(*order)
        with without_jit(conn):
            ids = list(conn.scalars(stmt.offset(skip).limit(stop - start)))
    undated = days.get(rollup.UNDATED, 0)
    if undated and len(ids) < stop - start and position + undated > start:
        stmt = select(ident).where(where, created.is_(None))
        stmt = stmt.order_by(ident.desc() if newest else ident.asc())
        skip = max(0, start - position)
        with without_jit(conn):
            ids += conn.scalars(stmt.offset(skip).limit(stop - start - len(ids)))
    return ids


@dataclass(frozen=True)
class FieldSelection(Selection):
    """The posts of a field-only `query` (`ids` None), read a page at a time by one query
    with LIMIT, newest stored first, instead of selecting every one of them first."""

    query: Query | None = None
    model_version: str = ""

    def total(self, conn: Connection) -> int:
        where = _condition(conn, self.query, self.model_version)
        return int(conn.scalar(select(func.count()).where(where)) or 0)

    def before(self, conn: Connection, cursor: int | None, limit: int) -> list[int]:
        where = _condition(conn, self.query, self.model_version)
        stmt = select(posts.c.id).where(where).order_by(posts.c.id.desc())
        if cursor is not None:
            stmt = stmt.where(posts.c.id < cursor)
        # no `without_jit` here: a LIMIT of ids in index order is planned far below JIT's
        # cost threshold, and its three statements were a third of a next page's SQL time
        return list(conn.scalars(stmt.limit(limit)))
