"""The report's competitor comparison: one row per brand and language with its top complaint
themes (escucha.insights.opportunities.competitor_benchmark), and the opportunities, where
competitors are praised for what we are criticised for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from escucha.insights.opportunities import SHOWN_MIN_SIDE, our_brand, with_min_side
from escucha.report.themes import QUOTES, quote_view

if TYPE_CHECKING:
    import pandas as pd

    from escucha.i18n import Catalogue
    from escucha.insights.opportunities import Opportunity

OPPORTUNITIES_SHOWN = 6


def competitor_rows(
    table: pd.DataFrame, brands: Sequence[dict], rank: Callable[[object], int], t: Catalogue
) -> list[dict]:
    """Mentioned brands per language (report order), then configured brands never mentioned.
    `table` is the competitor benchmark with its intent rates (insights.with_intent_rates)."""
    ordered = table.assign(_rank=table["lang"].map(rank)).sort_values("_rank", kind="stable")
    rows = [
        {
            "lang": t.language_name(r.lang),
            "brand": r.brand,
            "ours": bool(r.ours),
            "mentions": t.number(r.mentions),
            "share": t.percent(r.share),
            "net": t.signed(r.net),
            "too_few": bool(r.too_few),
            "complaint": t.percent(r.complaint_rate),
            "wish": t.percent(r.wish_rate),
            "themes": [
                t.text("theme_with_posts", label=label, n=t.number(n))
                for label, n in zip(r.top_themes, r.top_theme_posts, strict=True)
            ],
        }
        for r in ordered.itertuples()
    ]
    seen = set(table["brand"])
    rows += [
        {
            "lang": t.language_name(None),
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
    t: Catalogue,
) -> dict:
    """The opportunities with at least SHOWN_MIN_SIDE posts on each side, biggest first, and
    what to say when there are none."""
    ours = our_brand(brands)
    kept = with_min_side(found, SHOWN_MIN_SIDE)
    kept.sort(key=lambda o: (rank(o.lang), -min(o.our_posts, o.competitor_posts), o.our_theme_id))
    shown = kept[:OPPORTUNITIES_SHOWN]
    if ours is None:
        empty = t["opportunities_no_brand"]
    elif not kept:
        empty = t.text("opportunities_none", n=SHOWN_MIN_SIDE, brand=ours)
    else:
        empty = None
    return {
        "intro": t.text("opportunities_intro", n=SHOWN_MIN_SIDE, brand=ours or t["none"]),
        "empty": empty,
        "more": t.text("opportunities_more", n=t.number(len(kept) - len(shown)))
        if len(kept) > len(shown)
        else None,
        "found": [
            {
                "lang": t.language_name(o.lang),
                "label": o.label,
                "terms": ", ".join(o.terms),
                "ours": t.text("opportunity_ours", n=t.number(o.our_posts), brand=o.ours),
                "theirs": t.text(
                    "opportunity_theirs",
                    n=t.number(o.competitor_posts),
                    brands=", ".join(f"{b} {t.number(n)}" for b, n in o.competitors.items()),
                ),
                "our_quotes": [quote_view(q, t) for q in o.our_quotes[:QUOTES]],
                "their_quotes": [quote_view(q, t) for q in o.competitor_quotes[:QUOTES]],
            }
            for o in shown
        ],
    }
