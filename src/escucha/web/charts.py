"""The overview's charts, drawn by the report's chart functions (escucha.report.charts)
from the SQL aggregates, with titles and axes in the UI language."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from escucha.i18n import catalogue
from escucha.insights.periods import Period
from escucha.report import charts
from escucha.web.filters import PostFilter
from escucha.web.periods import explore_link

if TYPE_CHECKING:
    import pandas as pd


def sections(languages: list[str], ui: str) -> list[dict]:
    t = catalogue(ui)
    return [{"code": code, "name": t.language_name(code)} for code in languages]


def bin_period(start: pd.Timestamp, freq: str) -> Period:
    """The days of a volume chart's bin: a day, a week from Monday, or a calendar month."""
    first = start.date()
    if freq == "W":
        return Period(first, first + timedelta(days=6))
    if freq == "M":
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return Period(first, following - timedelta(days=1))
    return Period(first, first)


def _bin_link(lang: str, brand: str, start: pd.Timestamp, freq: str) -> str:
    """A chart point's posts: the explorer on that brand, language and bin."""
    return explore_link(PostFilter(brand=brand, lang=lang), bin_period(start, freq))


def overview_charts(
    overview: dict, brands: list[dict], ui: str, links: bool = False, period: Period | None = None
) -> dict:
    """The overview's charts; with `links`, a bar opens the brand's mentions of `period`
    and a point the posts of its bin."""
    t = catalogue(ui)
    langs = sections(overview["languages"], ui)
    share = overview["share"]
    ours = {b["name"] for b in brands if b.get("ours")}
    colours = charts.brand_colours(brands, sorted(set(share["brand"])))

    def bar_link(lang: str, brand: str) -> str:
        return explore_link(PostFilter(brand=brand, lang=lang), period)

    return {
        "volume": charts.volume_chart(
            overview["volume"], colours, ours, langs, t, _bin_link if links else None
        ),
        "share": charts.share_chart(share, colours, ours, langs, t, bar_link if links else None),
        "sentiment": charts.sentiment_chart(overview["sentiment"], colours, ours, langs, t),
    }


def sentiment_chart(overview: dict, brands: list[dict], ui: str):
    share = overview["share"]
    ours = {b["name"] for b in brands if b.get("ours")}
    colours = charts.brand_colours(brands, sorted(set(share["brand"])))
    langs = sections(overview["languages"], ui)
    return charts.sentiment_chart(overview["sentiment"], colours, ours, langs, catalogue(ui))
