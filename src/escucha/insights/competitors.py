"""The web's competitor table: per language and brand, share of voice (by mentions and by
reach), net sentiment, complaint and wish rates, and the brand's top concern, its top
complaint theme of the scope (escucha.insights.concerns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from escucha.insights.aggregates import (
    MIN_POSTS,
    count_mentions,
    intent_rates,
    net_sentiment_from_counts,
    share_from_counts,
)
from escucha.insights.concerns import scope_themes, top_theme

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.themes import Theme


def competitor_table(
    posts: pd.DataFrame,
    brands: Sequence[dict],
    *,
    min_posts: int = MIN_POSTS,
    themes: Sequence[Theme] | None = None,
) -> pd.DataFrame:
    """One row per brand and language it is mentioned in, plus configured brands never
    mentioned (lang None, mentions 0).

    Columns: lang, brand, ours, mentions, share (of voice in that language), reach,
    reach_known, reach_share (share of voice by reach, see share_from_counts), net, too_few,
    complaint_rate, wish_rate, top_concern (the label of the brand's top complaint theme,
    insights.concerns.top_theme, or None). `themes`: the complaint themes of `posts` if the
    caller has them (insights.concerns.scope_themes), found here otherwise.
    """
    import pandas as pd

    counts = count_mentions(posts)
    table = share_from_counts(counts)
    if not table.empty:  # merging empty frames trips on their differing key dtypes
        sentiment = net_sentiment_from_counts(counts, min_posts=min_posts)
        sentiment = sentiment[["lang", "brand", "net", "too_few"]]
        rates = intent_rates(posts)[["lang", "brand", "complaint_rate", "wish_rate"]]
        table = table.merge(sentiment, on=["lang", "brand"]).merge(rates, on=["lang", "brand"])
    if themes is None:
        themes = scope_themes(posts, brands, ("complaint",))["complaint"]
    pairs = zip(table["lang"], table["brand"], strict=True)
    tops = [top_theme(themes, lang, brand) for lang, brand in pairs]
    table["top_concern"] = [None if top is None else top[0] for top in tops]
    ours = {b["name"] for b in brands if b.get("ours")}
    table["ours"] = table["brand"].isin(ours)
    order = {b["name"]: i for i, b in enumerate(brands)}
    missing = [b["name"] for b in brands if b["name"] not in set(table["brand"])]
    absent = pd.DataFrame(
        {
            "lang": [None] * len(missing),
            "brand": missing,
            "mentions": 0,
            "ours": [m in ours for m in missing],
            "too_few": True,
        }
    )
    table = pd.concat([table, absent], ignore_index=True) if missing else table
    table["_ours"] = ~table["ours"].astype(bool)
    table["_order"] = table["brand"].map(order).fillna(len(order))
    table = table.sort_values(
        ["lang", "_ours", "mentions", "_order", "brand"],
        ascending=[True, True, False, True, True],
        na_position="last",
    )
    columns = [
        "lang",
        "brand",
        "ours",
        "mentions",
        "share",
        "reach",
        "reach_known",
        "reach_share",
        "net",
        "too_few",
        "complaint_rate",
        "wish_rate",
        "top_concern",
    ]
    return table.reindex(columns=columns).reset_index(drop=True)
