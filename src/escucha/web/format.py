"""Shaping store rows and aggregates for the templates (numbers and dates are written as
escucha.i18n writes them, as in the report)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from escucha.i18n import catalogue
from escucha.i18n.format import missing, safe_url, when
from escucha.report.reach import reach_cells

if TYPE_CHECKING:
    import pandas as pd


COUNT_NAMES = ("likes", "reposts", "replies", "score", "followers", "engagement")


def post_for_page(post: Mapping[str, Any], ui: str) -> dict:
    """A post with display-ready dates, a link only if it is a real http(s) URL, and its
    reach and engagement counts as (name, label, number, "n likes") for those the source
    gave (none when it gave none)."""
    t = catalogue(ui)
    counts = [
        (
            name,
            t[f"col_{name}"],
            t.number(post[name]),
            t.text(f"count_{name}", n=t.number(post[name])),
        )
        for name in COUNT_NAMES
        if post.get(name) is not None
    ]
    return {
        **post,
        "created_at_text": when(post.get("created_at")),
        "fetched_text": when(post.get("fetched_at")),
        "counted_text": when(post.get("counted_at")),
        "safe_url": safe_url(post.get("url")),
        "counts": counts,
    }


def overview_rows(overview: dict, ours: set[str], ui: str) -> list[dict]:
    """Per language (display order) and brand: mentions, share and net sentiment."""
    t = catalogue(ui)
    share = overview["share"]
    sentiment = overview["sentiment"].set_index(["lang", "brand"])
    rows = []
    for lang in overview["languages"]:
        for r in share[share["lang"] == lang].itertuples():
            s = sentiment.loc[(lang, r.brand)]
            interval = (
                f"{t.signed(s['ci_low'])} … {t.signed(s['ci_high'])}"
                if not missing(s["ci_low"])
                else "—"
            )
            rows.append(
                {
                    "lang": t.language_name(lang),
                    "code": lang,
                    "brand": r.brand,
                    "mentions": t.number(r.mentions),
                    "share": t.percent(r.share),
                    **reach_cells(r, t),
                    "net": None if s["too_few"] else t.signed(s["net"]),
                    "interval": interval,
                    "ours": r.brand in ours,
                }
            )
    return rows


def periods(overview: dict, ui: str) -> list[str]:
    t = catalogue(ui)
    return [
        t.text("period_lang", lang=t.language_name(lang), first=first, last=last)
        for lang, (first, last) in sorted(
            overview["periods"].items(),
            key=lambda item: (
                overview["languages"].index(item[0])
                if item[0] in overview["languages"]
                else len(overview["languages"]),
                item[0],
            ),
        )
    ]


def competitor_rows(table: pd.DataFrame, languages: list[str], ui: str) -> list[dict]:
    rank = {code: i for i, code in enumerate(languages)}
    table = table.assign(_rank=table["lang"].map(lambda c: rank.get(c, len(rank))))
    table = table.sort_values("_rank", kind="stable")
    t = catalogue(ui)
    rows = []
    for r in table.itertuples():
        mentioned = bool(r.mentions)
        rows.append(
            {
                "lang": t.language_name(None if missing(r.lang) else r.lang),
                "brand": r.brand,
                "ours": bool(r.ours),
                "mentions": t.number(r.mentions) if mentioned else t["none"],
                "share": t.percent(r.share) if mentioned else None,
                **(reach_cells(r, t) if mentioned else {"reach_share": None, "reach_note": None}),
                "net": t.signed(r.net) if mentioned else None,
                "too_few": mentioned and bool(r.too_few),
                "complaint": t.percent(r.complaint_rate) if mentioned else None,
                "wish": t.percent(r.wish_rate) if mentioned else None,
                "top_concern": None if missing(r.top_concern) else r.top_concern,
            }
        )
    return rows


def location(value: str | None) -> str:
    """A file's name (not the server's folders), or a source's address as recorded."""
    if not value:
        return ""
    if "://" in value:
        return value
    return PurePath(value).name


def _labels_text(labels: Mapping[str, Any], ui: str) -> str:
    t = catalogue(ui)
    if "categories" in labels:  # a change of the post's hand-tagged categories
        return t["categories_text"].format(names=", ".join(labels["categories"]) or t["none"])
    sentiment = labels.get("sentiment")
    intents = ", ".join(t[f"intent_{i}"] for i in labels.get("intents") or ()) or t["none"]
    shown = t[f"sentiment_{sentiment}"] if sentiment else t["none"]
    return f"{shown}; {intents}"


def label_change(change: Mapping[str, Any], ui: str) -> dict:
    """One audited correction as the post page lists it."""
    return {
        "by": change["by"],
        "at": when(change["at"]),
        "before": _labels_text(change["before"], ui),
        "after": _labels_text(change["after"], ui),
    }
