"""Store-wide totals: what `escucha status` and the web's overview count. The live posts and
each language's data period are read from the post rollup (store/rollup.py), brought up to
date first (committed unless the connection is in a transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, ColumnElement, Connection, func, select

from escucha.store import rollup
from escucha.store.schema import (
    LIVE_POSTS,
    authors,
    brand_mentions,
    enrichments,
    post_rollup,
    posts,
)


@dataclass(frozen=True)
class PostTotals:
    posts: int
    enriched: int  # read by the model version asked for


@dataclass(frozen=True)
class StoreCounts:
    """Posts, enriched posts, authors; posts per language (most first) and per brand."""

    totals: PostTotals
    authors: int
    languages: dict[str, int]
    brands: dict[str, int]


def post_totals(conn: Connection, model_version: str) -> PostTotals:
    rollup.refresh(conn, model_version)
    n_posts = conn.scalar(
        select(func.sum(post_rollup.c.posts)).where(post_rollup.c.model_version == model_version)
    )
    n_enriched = (
        conn.scalar(
            select(func.count())
            .select_from(enrichments)
            .where(enrichments.c.model_version == model_version)
        )
        or 0
    )
    return PostTotals(int(n_posts or 0), int(n_enriched))


def store_counts(conn: Connection, model_version: str) -> StoreCounts:
    per_lang = conn.execute(
        select(enrichments.c.lang, func.count())
        .where(enrichments.c.model_version == model_version)
        .group_by(enrichments.c.lang)
        .order_by(func.count().desc())
    ).all()
    per_brand = conn.execute(
        select(brand_mentions.c.brand, func.count())
        .group_by(brand_mentions.c.brand)
        .order_by(func.count().desc())
    ).all()
    return StoreCounts(
        totals=post_totals(conn, model_version),
        authors=int(conn.scalar(select(func.count()).select_from(authors)) or 0),
        languages=dict(per_lang),
        brands=dict(per_brand),
    )


@dataclass(frozen=True)
class FilterValues:
    """What the explorer's drop-downs offer, as stored."""

    brands: set[str]  # mentioned by some post
    langs: list[str]  # detected by the model version asked for
    sources: list[str]


def filter_values(conn: Connection, model_version: str) -> FilterValues:
    """The brands and sources by walking their indexes (a SELECT DISTINCT over 10M posts took
    20-118 s cold), the languages from the post rollup (every live post's language; unknown
    also when some live post was not read by the model version)."""
    rollup.refresh(conn, model_version)
    r = post_rollup.c
    langs = select(r.lang).where(r.model_version == model_version, r.posts > 0).distinct()

    def live(source: ColumnElement[str]) -> ColumnElement[bool]:
        return select(posts.c.id).where(posts.c.source == source, LIVE_POSTS).exists()

    return FilterValues(
        brands=set(_distinct(conn, brand_mentions.c.brand)),
        langs=sorted(conn.scalars(langs)),
        sources=sorted(_distinct(conn, posts.c.source, live)),
    )


def _distinct(
    conn: Connection,
    col: Column[str],
    keep: Callable[[ColumnElement[str]], ColumnElement[bool]] | None = None,
) -> list[str]:
    """The distinct non-null values of an indexed column, one index probe per value (a
    recursive query: the smallest value above the last one), those `keep(value)` accepts."""
    first = select(func.min(col).label("value")).select_from(col.table)
    walk = first.cte("walk", recursive=True)
    above = select(func.min(col)).where(col > walk.c.value).scalar_subquery()
    walk = walk.union_all(select(above.label("value")).where(walk.c.value.is_not(None)))
    found = select(walk.c.value).where(walk.c.value.is_not(None))
    if keep is not None:
        found = found.where(keep(walk.c.value))
    return list(conn.scalars(found))


@dataclass(frozen=True)
class LanguagePeriod:
    """A language's data period: the UTC days of its first and last dated post."""

    lang: str
    first: date
    last: date
    posts: int  # its dated posts in that span


def language_periods(
    conn: Connection,
    model_version: str,
    start: date | None = None,
    end: date | None = None,
) -> list[LanguagePeriod]:
    """The one data period every face shows, per language (most posts first): every live,
    dated post in the language the model version gave it (unknown when it has not read the
    post), whether or not it mentions a brand; `start`/`end` (UTC days, both included) keep
    the posts of a period. From the post rollup."""
    rollup.refresh(conn, model_version)
    r = post_rollup.c
    query = (
        select(r.lang, func.min(r.day), func.max(r.day), func.sum(r.posts))
        .where(r.model_version == model_version, r.day != rollup.UNDATED)
        .group_by(r.lang)
    )
    if start is not None:
        query = query.where(r.day >= start.isoformat())
    if end is not None:
        query = query.where(r.day <= end.isoformat())
    found = [
        LanguagePeriod(str(code), date.fromisoformat(first), date.fromisoformat(last), int(n))
        for code, first, last, n in conn.execute(query).all()
    ]
    return sorted(found, key=lambda p: (-p.posts, p.lang))
