"""The overview's aggregates computed by the database (GROUP BY), not by loading every post.

One grouped query counts brand mentions per language, brand, sentiment and day; share of
voice, net sentiment and volume over time all derive from those few thousand rows, with the
same definitions as escucha.insights (the tests check both agree). At a million posts the
query takes seconds once; the result is cached per data version (escucha.web.cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, String, and_, func, literal, select

from escucha.insights.aggregates import (
    MIN_POSTS,
    TRIM,
    VOLUME_COLUMNS,
    binned_volume,
    net_score,
)
from escucha.insights.common import UNKNOWN_LANG
from escucha.store.schema import brand_mentions, enrichments, posts

if TYPE_CHECKING:
    import pandas as pd

COUNT_COLUMNS = ["lang", "brand", "sentiment", "day", "mentions"]
_CHUNK = 900  # ids per IN (...) list: below SQLite's bound-parameter limit


def _day(dialect: str):
    """The UTC calendar day of a post as YYYY-MM-DD text (NULL without a date)."""
    if dialect == "postgresql":
        utc = func.timezone("UTC", posts.c.created_at)
        return func.to_char(utc, "YYYY-MM-DD", type_=String)
    return func.substr(posts.c.created_at, 1, 10, type_=String)  # stored as UTC ISO text


def _count_query(conn: Connection, model_version: str):
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    sentiment = func.coalesce(enrichments.c.sentiment, literal("", String))
    day = _day(conn.dialect.name)
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    return (
        select(lang, brand_mentions.c.brand, sentiment, day, func.count())
        .select_from(
            brand_mentions.join(posts, posts.c.id == brand_mentions.c.post_id).outerjoin(
                enrichments, join
            )
        )
        .group_by(lang, brand_mentions.c.brand, sentiment, day)
    )


def mention_counts(
    conn: Connection, model_version: str, ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Brand mentions per (lang, brand, sentiment, day): all posts, or only `ids`."""
    import pandas as pd

    query = _count_query(conn, model_version)
    if ids is None:
        rows = conn.execute(query).all()
    else:
        rows = []
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            rows += conn.execute(query.where(brand_mentions.c.post_id.in_(chunk))).all()
    frame = pd.DataFrame.from_records(rows, columns=COUNT_COLUMNS)
    if ids is not None and not frame.empty:  # chunks may split a group: add them up
        keys = COUNT_COLUMNS[:-1]
        frame = frame.groupby(keys, dropna=False, sort=False)["mentions"].sum().reset_index()
    frame["lang"] = [str(v).strip().lower() or UNKNOWN_LANG for v in frame["lang"]]
    frame["mentions"] = frame["mentions"].astype("int64")
    return frame


def share_of_voice(counts: pd.DataFrame, by_lang: bool = True) -> pd.DataFrame:
    """As escucha.insights.share_of_voice: lang, brand, mentions, share."""
    keys = ["lang", "brand"] if by_lang else ["brand"]
    table = counts.groupby(keys)["mentions"].sum().reset_index()
    total = (
        table.groupby("lang")["mentions"].transform("sum") if by_lang else table["mentions"].sum()
    )
    table["share"] = table["mentions"] / total
    groups = keys[:-1]
    return table.sort_values(
        [*groups, "mentions", "brand"], ascending=[*(True for _ in groups), False, True]
    ).reset_index(drop=True)


def net_sentiment(
    counts: pd.DataFrame, by_lang: bool = True, min_posts: int = MIN_POSTS
) -> pd.DataFrame:
    """As escucha.insights.net_sentiment: posts, positive, neutral, negative, net, ci_low,
    ci_high, too_few per brand (and language)."""
    import pandas as pd

    keys = ["lang", "brand"] if by_lang else ["brand"]
    wide = counts.pivot_table(
        index=keys, columns="sentiment", values="mentions", aggfunc="sum", fill_value=0
    )
    rows = []
    for key, row in wide.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        pos, neu, neg = (int(row.get(s, 0)) for s in ("positive", "neutral", "negative"))
        net, low, high = net_score(pos, neg)
        rows.append((*key, int(row.sum()), pos, neu, neg, net, low, high, pos + neg < min_posts))
    columns = [*keys, "posts", "positive", "neutral", "negative", "net", "ci_low", "ci_high"]
    result = pd.DataFrame(rows, columns=[*columns, "too_few"])
    return result.astype({"too_few": bool})


def _weighted_pick(days: pd.Series, weights: pd.Series, q: float, upper: bool):
    """The day holding the q-quantile mention (numpy's 'lower'/'higher' interpolation)."""
    import math

    n = int(weights.sum())
    position = (n - 1) * q
    index = math.ceil(position) if upper else math.floor(position)
    cumulative = weights.cumsum()
    return days[cumulative > index].iloc[0]


def volume_over_time(counts: pd.DataFrame, freq: str = "auto") -> pd.DataFrame:
    """As escucha.insights.volume_over_time (lang, brand, period, freq, mentions), from daily
    counts: the 0.5% trimmed at each end are whole days here, not single posts."""
    import pandas as pd

    dated = counts[counts["day"].notna()].copy()
    dated["day"] = pd.to_datetime(dated["day"])
    parts = []
    for lang in sorted(dated["lang"].unique()):
        rows = dated[dated["lang"] == lang]
        per_day = rows.groupby("day")["mentions"].sum().sort_index()
        days = pd.Series(per_day.index)
        weights = pd.Series(per_day.to_numpy())
        low = _weighted_pick(days, weights, TRIM, upper=False)
        high = _weighted_pick(days, weights, 1 - TRIM, upper=True)
        rows = rows[(rows["day"] >= low) & (rows["day"] <= high)]
        parts.append(binned_volume(rows, rows["day"], lang, freq))
    if not parts:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    return pd.concat(parts, ignore_index=True)
