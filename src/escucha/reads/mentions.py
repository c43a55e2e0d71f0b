"""Brand mentions counted by the database (GROUP BY), not by loading every post.

Mentions per language, brand, sentiment and UTC day; share of voice, net sentiment and volume
over time derive from those few thousand rows (escucha.insights.aggregates, the same functions
the DataFrame path uses). Every post's counts are read from the maintained rollup
(store/rollup.py, brought up to date first); a selection's are counted by the rollup's own
grouped join over the selected posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    func,
    select,
)

from escucha.core.labels import UNKNOWN_LANG
from escucha.store import rollup
from escucha.store.schema import (
    brand_mentions,
    mention_rollup,
)

if TYPE_CHECKING:
    import pandas as pd

REACH_COLUMNS = ["reach", "reach_known", "engagement", "engagement_known"]
"""Beside each count of mentions: the sum of their authors' followers when collected (reach)
and how many of them had a follower count; the sum of their engagement and how many had one."""
COUNT_COLUMNS = ["lang", "brand", "sentiment", "day", "mentions", *REACH_COLUMNS]
_CHUNK = 900  # ids per IN (...) list: below SQLite's bound-parameter limit


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
        return _selection_counts(conn, model_version, ids)
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


def _selection_counts(conn: Connection, model_version: str, ids: Sequence[int]) -> pd.DataFrame:
    """`mention_counts` of a selection: the rollup's grouped join (store.rollup.grouped) over
    its posts, in chunks of ids, the groups a chunk boundary split added up."""
    import pandas as pd

    rows: list[Any] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = brand_mentions.c.post_id.in_(ordered[start : start + _CHUNK])
        rows += conn.execute(rollup.grouped(conn, model_version, chunk)).all()
    columns = ["model_version", *COUNT_COLUMNS, "complaint", "wish"]
    frame = pd.DataFrame.from_records(rows, columns=columns)[COUNT_COLUMNS]
    if not frame.empty:
        keys, summed = COUNT_COLUMNS[:4], COUNT_COLUMNS[4:]
        frame = frame.groupby(keys, sort=False)[summed].sum().reset_index()
    return _shaped(frame)


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
