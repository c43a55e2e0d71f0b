"""The report's competitor comparison: one row per brand and language with its top complaint
themes (escucha.insights.opportunities.competitor_benchmark), and the opportunities, where
competitors are praised for what we are criticised for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from escucha.report.formatting import number, percent, signed
from escucha.report.themes import QUOTES, quote_view

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.opportunities import Opportunity

MIN_SIDE = 5  # posts an opportunity needs on each side to be shown
OPPORTUNITIES_SHOWN = 6


def our_brand(brands: Sequence[dict]) -> str | None:
    return next((b["name"] for b in brands if b.get("ours")), None)


def find_opportunities(posts: pd.DataFrame, brands: list[dict]) -> list[Opportunity]:
    """Opportunities for our brand with at least MIN_SIDE posts on each side ([] without
    a brand of ours)."""
    from escucha.insights.opportunities import opportunities

    ours = our_brand(brands)
    if ours is None:
        return []
    return opportunities(posts, brands, ours, min_posts=MIN_SIDE)


def competitor_rows(
    benchmark: pd.DataFrame,
    rates: pd.DataFrame,
    brands: Sequence[dict],
    rank: Callable[[object], int],
    lang_name: Callable[[str | None], str],
    t: dict[str, str],
) -> list[dict]:
    """Mentioned brands per language (report order), then configured brands never mentioned.
    `rates` is intent_rates(posts): the share of each brand's posts flagged per intent."""
    table = benchmark
    if not table.empty:  # merging empty frames trips on their differing key dtypes
        rates = rates[["lang", "brand", "complaint_rate", "wish_rate"]]
        table = table.merge(rates, on=["lang", "brand"], how="left")
    table = table.assign(_rank=table["lang"].map(rank)).sort_values("_rank", kind="stable")
    rows = [
        {
            "lang": lang_name(r.lang),
            "brand": r.brand,
            "ours": bool(r.ours),
            "mentions": number(r.mentions),
            "share": percent(r.share),
            "net": signed(r.net),
            "too_few": bool(r.too_few),
            "complaint": percent(r.complaint_rate),
            "wish": percent(r.wish_rate),
            "themes": [
                t["theme_with_posts"].format(label=label, n=number(n))
                for label, n in zip(r.top_themes, r.top_theme_posts, strict=True)
            ],
        }
        for r in table.itertuples()
    ]
    seen = set(benchmark["brand"])
    rows += [
        {
            "lang": lang_name(None),
            "brand": b["name"],
            "ours": bool(b.get("ours")),
            "mentions": t["not_mentioned"],
            "share": None,
            "net": None,
            "too_few": False,
            "complaint": None,
            "wish": None,
            "themes": [],
        }
        for b in brands
        if b["name"] not in seen
    ]
    return rows


def opportunity_section(
    found: Sequence[Opportunity],
    brands: Sequence[dict],
    rank: Callable[[object], int],
    lang_name: Callable[[str | None], str],
    t: dict[str, str],
) -> dict:
    """The opportunities with at least MIN_SIDE posts on each side, biggest first, and what
    to say when there are none."""
    ours = our_brand(brands)
    kept = [o for o in found if min(o.our_posts, o.competitor_posts) >= MIN_SIDE]
    kept.sort(key=lambda o: (rank(o.lang), -min(o.our_posts, o.competitor_posts), o.our_theme_id))
    shown = kept[:OPPORTUNITIES_SHOWN]
    if ours is None:
        empty = t["opportunities_no_brand"]
    elif not kept:
        empty = t["opportunities_none"].format(n=MIN_SIDE, brand=ours)
    else:
        empty = None
    return {
        "intro": t["opportunities_intro"].format(n=MIN_SIDE, brand=ours or t["none"]),
        "empty": empty,
        "more": t["opportunities_more"].format(n=number(len(kept) - len(shown)))
        if len(kept) > len(shown)
        else None,
        "found": [
            {
                "lang": lang_name(o.lang),
                "label": o.label,
                "terms": ", ".join(o.terms),
                "ours": t["opportunity_ours"].format(n=number(o.our_posts), brand=o.ours),
                "theirs": t["opportunity_theirs"].format(
                    n=number(o.competitor_posts),
                    brands=", ".join(f"{b} {number(n)}" for b, n in o.competitors.items()),
                ),
                "our_quotes": [quote_view(q, t) for q in o.our_quotes[:QUOTES]],
                "their_quotes": [quote_view(q, t) for q in o.competitor_quotes[:QUOTES]],
            }
            for o in shown
        ],
    }
