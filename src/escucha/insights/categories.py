"""Aggregates by custom category (escucha.understand.categories): how many posts each
category holds in a period, their share of all posts, their sentiment (an analyst's label
over the model's) with the net score and its interval, and each brand's share of voice
within the category. One core for the Python API (`Workspace.categories`), the web page
(/categories) and the REST API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, func, literal, select

from escucha.insights.aggregates import net_score, too_few
from escucha.store.schema import LIVE_POSTS, enrichments, post_labels, posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.periods import Period

CATEGORY_COLUMNS = [
    "category",
    "query",
    "posts",
    "share",
    "tagged",
    "positive",
    "neutral",
    "negative",
    "net",
    "ci_low",
    "ci_high",
    "too_few",
]
VOICE_COLUMNS = ["category", "brand", "mentions", "share"]
_CHUNK = 900  # ids per IN (...) list: below SQLite's bound-parameter limit


def _in_period(period: Period | None):
    if period is None:
        return LIVE_POSTS
    low = datetime(period.start.year, period.start.month, period.start.day, tzinfo=UTC)
    high = datetime(period.end.year, period.end.month, period.end.day, tzinfo=UTC)
    return and_(
        LIVE_POSTS, posts.c.created_at >= low, posts.c.created_at < high + timedelta(days=1)
    )


def _sentiments(
    conn: Connection, model_version: str, ids: Sequence[int], period: Period | None
) -> dict[str, int]:
    """Posts per shown sentiment ("" not analysed) among `ids` dated in `period`."""
    sentiment = func.coalesce(post_labels.c.sentiment, enrichments.c.sentiment, literal(""))
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    query = (
        select(sentiment, func.count())
        .select_from(
            posts.outerjoin(enrichments, join).outerjoin(
                post_labels, post_labels.c.post_id == posts.c.id
            )
        )
        .where(_in_period(period))
        .group_by(sentiment)
    )
    found: dict[str, int] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        for name, n in conn.execute(query.where(posts.c.id.in_(chunk))):
            found[name] = found.get(name, 0) + int(n)
    return found


def category_tables(
    conn: Connection, model_version: str, period: Period | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per category: CATEGORY_COLUMNS; one row per category and brand:
    VOICE_COLUMNS), over the posts dated in `period` (every post when None)."""
    import pandas as pd

    from escucha.insights.periods import counts_in
    from escucha.reads.mentions import mention_counts
    from escucha.understand.categories import category_members, list_categories

    total = int(conn.scalar(select(func.count()).select_from(posts).where(_in_period(period))) or 0)
    defined = {c["name"]: c for c in list_categories(conn)}
    rows, voices = [], []
    for name, ids in category_members(conn, model_version).items():
        counts = _sentiments(conn, model_version, ids, period)
        n = sum(counts.values())
        pos, neu, neg = (counts.get(s, 0) for s in ("positive", "neutral", "negative"))
        net, low, high = net_score(pos, neg)
        share = n / total if total else float("nan")
        about = defined[name]
        rows.append(
            (name, about["query"], n, share, about["tagged"], pos, neu, neg, net, low, high)
        )
        mentions = counts_in(mention_counts(conn, model_version, ids), period) if ids else None
        if mentions is not None and not mentions.empty:
            by_brand = mentions.groupby("brand")["mentions"].sum()
            for brand, m in by_brand.sort_values(ascending=False).items():
                voices.append((name, brand, int(m), int(m) / int(by_brand.sum())))
    table = pd.DataFrame(rows, columns=CATEGORY_COLUMNS[:-1])
    table["too_few"] = [
        too_few(p, q) for p, q in zip(table["positive"], table["negative"], strict=True)
    ]
    return table, pd.DataFrame(voices, columns=VOICE_COLUMNS)


def post_days(conn: Connection) -> tuple:
    """The first and last UTC day of the live posts' dates (None, None without one)."""
    low, high = conn.execute(
        select(func.min(posts.c.created_at), func.max(posts.c.created_at)).where(LIVE_POSTS)
    ).one()
    from escucha.core.timeutil import as_utc

    if low is None:
        return None, None
    return as_utc(low).date(), as_utc(high).date()
