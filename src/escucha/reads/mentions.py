"""Brand mentions counted by the database (GROUP BY), not by loading every post.

Mentions per language, brand, sentiment and UTC day; share of voice, net sentiment and volume
over time derive from those few thousand rows (escucha.insights.aggregates, the same functions
the DataFrame path uses). Every post's counts are read from the maintained rollup
(store/rollup.py, brought up to date first); a selection's are counted by the grouped join
(`joined_mention_counts`, which the rollup must always equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    func,
    literal,
    select,
)

from escucha.core.labels import UNKNOWN_LANG
from escucha.store import rollup
from escucha.store.rollup import utc_day
from escucha.store.schema import (
    LIVE_POSTS,
    brand_mentions,
    enrichments,
    mention_rollup,
    post_engagement,
    post_labels,
    posts,
)

if TYPE_CHECKING:
    import pandas as pd

REACH_COLUMNS = ["reach", "reach_known", "engagement", "engagement_known"]
"""Beside each count of mentions: the sum of their authors' followers when collected (reach)
and how many of them had a follower count; the sum of their engagement and how many had one."""
COUNT_COLUMNS = ["lang", "brand", "sentiment", "day", "mentions", *REACH_COLUMNS]
_CHUNK = 900  # ids per IN (...) list: below SQLite's bound-parameter limit


def _count_query(conn: Connection, model_version: str) -> Select:
    lang = func.coalesce(enrichments.c.lang, literal(UNKNOWN_LANG, String))
    # an analyst's label overrides the model's
    sentiment = func.coalesce(post_labels.c.sentiment, enrichments.c.sentiment, literal("", String))
    day = utc_day(conn.dialect.name)
    join = and_(enrichments.c.post_id == posts.c.id, enrichments.c.model_version == model_version)
    followers, engagement = post_engagement.c.followers, post_engagement.c.engagement
    return (
        select(
            lang,
            brand_mentions.c.brand,
            sentiment,
            day,
            func.count(),
            func.coalesce(func.sum(followers), 0),
            func.count(followers),
            func.coalesce(func.sum(engagement), 0),
            func.count(engagement),
        )
        .select_from(
            brand_mentions.join(posts, posts.c.id == brand_mentions.c.post_id)
            .outerjoin(enrichments, join)
            .outerjoin(post_engagement, post_engagement.c.post_id == posts.c.id)
            .outerjoin(post_labels, post_labels.c.post_id == posts.c.id)
        )
        .where(LIVE_POSTS)
        .group_by(lang, brand_mentions.c.brand, sentiment, day)
    )


def mention_counts(
    conn: Connection, model_version: str, ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Brand mentions per (lang, brand, sentiment, day): all posts, or only `ids`, with their
    reach and engagement (insights.aggregates.REACH_COLUMNS).

    Sentiment is "" for posts the model has not read; day is None for posts without a date.
    Every post's: from the rollup, which this brings up to date first (committed unless `conn`
    is in a transaction: store.rollup.refresh).
    """
    if ids is not None:
        return joined_mention_counts(conn, model_version, ids)
    import pandas as pd

    rollup.refresh(conn, model_version)
    r = mention_rollup.c
    rows = conn.execute(
        select(r.lang, r.brand, r.sentiment, r.day, r.mentions, *(r[c] for c in REACH_COLUMNS))
        .where(r.model_version == model_version)
        .order_by(r.day, r.lang, r.brand, r.sentiment)
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=COUNT_COLUMNS)
    return _shaped(frame)


def _shaped(frame: pd.DataFrame) -> pd.DataFrame:
    """The rollup's rows as the join gives them: no day is None; languages lowered."""
    if "day" in frame:
        frame["day"] = frame["day"].where(frame["day"] != rollup.UNDATED, None)
    frame["lang"] = [str(v).strip().lower() or UNKNOWN_LANG for v in frame["lang"]]
    counted = [c for c in frame.columns if c not in ("lang", "brand", "sentiment", "day")]
    frame[counted] = frame[counted].astype("int64")
    return frame


def joined_mention_counts(
    conn: Connection, model_version: str, ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """`mention_counts` by the grouped join of posts, enrichments, brand mentions, engagement
    and labels: for a selection of posts, and the reference the rollup equals."""
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
    summed = ["mentions", *REACH_COLUMNS]
    if ids is not None and not frame.empty:  # chunks may split a group: add them up
        keys = COUNT_COLUMNS[:4]
        frame = frame.groupby(keys, dropna=False, sort=False)[summed].sum().reset_index()
    frame["lang"] = [str(v).strip().lower() or UNKNOWN_LANG for v in frame["lang"]]
    frame[summed] = frame[summed].astype("int64")
    return frame


INTENT_COLUMNS = ["lang", "brand", "day", "mentions", "complaint", "wish"]


def intent_counts(conn: Connection, model_version: str) -> pd.DataFrame:
    """Brand mentions per (lang, brand, day) and how many of them the model flagged as a
    complaint and as a wish (the labels above its thresholds, stored as a JSON list), from
    the rollup (brought up to date first, as in `mention_counts`)."""
    import pandas as pd

    rollup.refresh(conn, model_version)
    r = mention_rollup.c
    keys = (r.lang, r.brand, r.day)
    rows = conn.execute(
        select(*keys, func.sum(r.mentions), func.sum(r.complaint), func.sum(r.wish))
        .where(r.model_version == model_version)
        .group_by(*keys)
        .order_by(r.day, r.lang, r.brand)
    ).all()
    return _shaped(pd.DataFrame.from_records(rows, columns=INTENT_COLUMNS))
