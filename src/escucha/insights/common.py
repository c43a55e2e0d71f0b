"""Helpers shared by the insight functions: tolerate the gaps a real posts frame has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from escucha.core.labels import INTENTS, UNKNOWN_LANG

if TYPE_CHECKING:
    import pandas as pd


def as_list(value: Any) -> list[str]:
    """A list of strings from a list/tuple/array cell; anything else (None, NaN) is empty."""
    if type(value) is list:
        return value  # the usual case, kept as is: nothing here mutates it
    if isinstance(value, str) or value is None:
        return []
    try:
        return [str(v) for v in value]
    except TypeError:
        return []


def normalised(posts: pd.DataFrame) -> pd.DataFrame:
    """A copy with `lang` filled, `brands`/`intents` as lists and `sentiment` as text.

    Posts not analysed yet have empty enrichment columns; they count as posts but not
    as positive, neutral or negative.
    """
    import pandas as pd

    frame = posts.reset_index(drop=True).copy()
    lang = frame["lang"] if "lang" in frame else pd.Series([None] * len(frame), dtype=object)
    frame["lang"] = [
        str(v).strip().lower() if isinstance(v, str) and v.strip() else UNKNOWN_LANG for v in lang
    ]
    for column in ("brands", "intents"):
        values = frame[column] if column in frame else [None] * len(frame)
        frame[column] = [as_list(v) for v in values]
    sentiment = frame["sentiment"] if "sentiment" in frame else [None] * len(frame)
    frame["sentiment"] = [v if isinstance(v, str) else "" for v in sentiment]
    for column in INTENTS:
        if column not in frame:
            frame[column] = 0.0
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0.0)
    if "created_at" not in frame:
        frame["created_at"] = pd.NaT
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
    return frame
