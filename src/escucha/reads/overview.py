"""Store-wide totals: what `escucha status` and the web's overview count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from escucha.store.schema import LIVE_POSTS, authors, brand_mentions, enrichments, posts


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
    n_posts = conn.scalar(select(func.count()).select_from(posts).where(LIVE_POSTS)) or 0
    n_enriched = (
        conn.scalar(
            select(func.count())
            .select_from(enrichments)
            .where(enrichments.c.model_version == model_version)
        )
        or 0
    )
    return PostTotals(int(n_posts), int(n_enriched))


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
    return FilterValues(
        brands=set(conn.scalars(select(brand_mentions.c.brand).distinct())),
        langs=sorted(
            conn.scalars(
                select(enrichments.c.lang)
                .where(enrichments.c.model_version == model_version)
                .distinct()
            )
        ),
        sources=sorted(conn.scalars(select(posts.c.source).where(LIVE_POSTS).distinct())),
    )
