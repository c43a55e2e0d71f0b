"""The overview's charts, drawn by the report's chart functions (escucha.report.charts)
from the SQL aggregates, with titles and axes in the UI language."""

from __future__ import annotations

from escucha.i18n import catalogue
from escucha.report import charts


def sections(languages: list[str], ui: str) -> list[dict]:
    t = catalogue(ui)
    return [{"code": code, "name": t.language_name(code)} for code in languages]


def overview_charts(overview: dict, brands: list[dict], ui: str) -> dict:
    t = catalogue(ui)
    langs = sections(overview["languages"], ui)
    share = overview["share"]
    ours = {b["name"] for b in brands if b.get("ours")}
    colours = charts.brand_colours(brands, sorted(set(share["brand"])))
    return {
        "volume": charts.volume_chart(overview["volume"], colours, ours, langs, t),
        "share": charts.share_chart(share, colours, ours, langs, t),
        "sentiment": charts.sentiment_chart(overview["sentiment"], colours, ours, langs, t),
    }


def sentiment_chart(overview: dict, brands: list[dict], ui: str):
    share = overview["share"]
    ours = {b["name"] for b in brands if b.get("ours")}
    colours = charts.brand_colours(brands, sorted(set(share["brand"])))
    langs = sections(overview["languages"], ui)
    return charts.sentiment_chart(overview["sentiment"], colours, ours, langs, catalogue(ui))
