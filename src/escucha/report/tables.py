"""The report's tables as plain values (numbers as numbers, shares as fractions), for the CSV
and XLSX downloads: the same frames the report's HTML words, laid out one table per section.

Each table is a `Table`: a stable `key` (the file or sheet it goes to), a title and column
headings in the report's language, and rows of `str | int | float | bool | None`. Text from
posts (theme labels, authors, idea titles) stays as it is here; the writers neutralise what a
spreadsheet could run as a formula."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from escucha.insights.compare_text import MEASURES
from escucha.report.themes import KINDS

if TYPE_CHECKING:
    import pandas as pd

    from escucha.i18n import Catalogue
    from escucha.insights.compare import Change, Comparison
    from escucha.report.themes import Themes

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


def plain(value: Any) -> Cell:
    """A frame's value as a cell: NaN and NaT are None, numpy scalars plain Python, times
    ISO 8601 text."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalar
        if value is None:  # numpy's NaT
            return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime) or hasattr(value, "isoformat"):  # date, pd.Timestamp
        text = value.isoformat()
        return None if text == "NaT" else text
    if isinstance(value, bool | int | float | str):
        return value
    try:
        return str(value) if value == value else None  # NaN-like values compare unequal
    except TypeError:  # pd.NA: its comparisons are themselves missing
        return None


def _cols(t: Catalogue, *keys: str) -> tuple[str, ...]:
    return tuple(t[k] for k in keys)


def _rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Cell, ...]]:
    return [tuple(plain(v) for v in values) for values in frame[list(columns)].itertuples(False)]


def coverage_table(coverage: pd.DataFrame, t: Catalogue) -> Table:
    """Posts per language and source (the report's header table)."""
    return Table(
        "posts",
        t["posts_per"],
        _cols(t, "col_language_code", "col_source", "col_posts", "col_first", "col_last"),
        _rows(coverage, ["lang", "source", "posts", "first", "last"]),
    )


def share_table(share: pd.DataFrame, ours: set[str], t: Catalogue) -> Table:
    frame = share.assign(
        ours=share["brand"].isin(ours),
        reach_share=share.get("reach_share"),
        reach_known=share.get("reach_known"),
    )
    return Table(
        "share_of_voice",
        t["share"],
        _cols(
            t,
            "col_language_code",
            "col_brand",
            "col_ours",
            "col_mentions",
            "col_share_mentions",
            "col_share_reach",
            "col_reach_known",
        ),
        _rows(frame, ["lang", "brand", "ours", "mentions", "share", "reach_share", "reach_known"]),
    )


def sentiment_table(sentiment: pd.DataFrame, ours: set[str], t: Catalogue) -> Table:
    frame = sentiment.assign(ours=sentiment["brand"].isin(ours))
    columns = ["lang", "brand", "ours", "posts", "positive", "neutral", "negative", "net"]
    return Table(
        "net_sentiment",
        t["sentiment"],
        _cols(
            t,
            "col_language_code",
            "col_brand",
            "col_ours",
            "col_posts",
            "col_positive",
            "col_neutral",
            "col_negative",
            "col_net",
            "col_ci_low",
            "col_ci_high",
            "col_too_few",
        ),
        _rows(frame, [*columns, "ci_low", "ci_high", "too_few"]),
    )


def volume_table(volume: pd.DataFrame, t: Catalogue) -> Table:
    return Table(
        "volume",
        t["volume"],
        _cols(t, "col_language_code", "col_brand", "col_period", "col_bin", "col_mentions"),
        _rows(volume, ["lang", "brand", "period", "freq", "mentions"]),
    )


def themes_table(themes: Themes, t: Catalogue) -> Table:
    """Every named theme of the complaints and the wishes (the report shows the biggest
    eight per language and kind), with the posts its net sentiment rests on."""
    from escucha.insights import too_few

    rows: list[tuple[Cell, ...]] = []
    for kind, intent in KINDS:
        for theme in themes.get(intent, ()):
            if theme.other:
                continue
            s = theme.sentiment
            rows.append(
                (
                    t[kind],
                    theme.lang,
                    theme.label,
                    theme.size,
                    t[f"trend_{theme.trend.direction}"],
                    plain(s.net),
                    s.positive + s.negative,
                    too_few(s.positive, s.negative),
                    "; ".join(f"{b} ({n})" for b, n in theme.brands.items()),
                )
            )
    return Table(
        "themes",
        t["themes"],
        _cols(
            t,
            "col_kind",
            "col_language_code",
            "col_theme",
            "col_posts",
            "col_trend",
            "col_net",
            "col_net_n",
            "col_too_few",
            "col_brands",
        ),
        rows,
    )


def authors_table(authors: pd.DataFrame, t: Catalogue) -> Table:
    return Table(
        "authors",
        t["authors"],
        _cols(
            t,
            "col_author",
            "col_source",
            "col_posts",
            "col_negative_share",
            "col_followers",
            "col_engagement",
        ),
        _rows(authors, ["author", "source", "posts", "negative_share", "followers", "engagement"]),
    )


def competitors_table(table: pd.DataFrame, t: Catalogue) -> Table:
    """The competitor benchmark with its intent rates (insights.with_intent_rates)."""
    rows = [
        (
            plain(r.lang),
            r.brand,
            bool(r.ours),
            plain(r.mentions),
            plain(r.share),
            plain(r.net),
            bool(r.too_few),
            plain(r.complaint_rate),
            plain(r.wish_rate),
            "; ".join(
                f"{label} ({n})" for label, n in zip(r.top_themes, r.top_theme_posts, strict=True)
            ),
        )
        for r in table.itertuples()
    ]
    return Table(
        "competitors",
        t["competitor_comparison"],
        _cols(
            t,
            "col_language_code",
            "col_brand",
            "col_ours",
            "col_mentions",
            "col_share",
            "col_net",
            "col_too_few",
            "col_complaint",
            "col_wish",
            "col_top_themes",
        ),
        rows,
    )


def _change_cells(change: Change) -> tuple[Cell, ...]:
    return (
        plain(change.before),
        plain(change.after),
        plain(change.delta),
        change.n_before,
        change.n_after,
        str(change.test),
        plain(change.p_value),
        change.significant,
        change.too_few,
    )


_CHANGE_COLUMNS = (
    "col_before",
    "col_after",
    "col_change",
    "col_n_before",
    "col_n_after",
    "col_test",
    "col_p_value",
    "col_significant",
    "col_too_few",
)


def comparison_tables(
    comparison: Comparison, ours: set[str], rank: Callable[[str], int], t: Catalogue
) -> list[Table]:
    """The two periods' changes per brand and measure, and the themes that moved."""
    blocks = sorted(comparison.brands, key=lambda c: (rank(c.lang), c.brand not in ours, c.brand))
    brand_rows = [
        (c.lang, c.brand, c.brand in ours, m, *_change_cells(getattr(c, m)))
        for c in blocks
        for m in MEASURES
    ]
    theme_rows = [
        (
            intent,
            c.lang,
            c.label,
            c.posts_before,
            c.posts_after,
            *_change_cells(c.share),
        )
        for intent, changes in comparison.themes.items()
        for c in changes
    ]
    return [
        Table(
            "comparison",
            t["comparison"],
            _cols(t, "col_language_code", "col_brand", "col_ours", "col_metric", *_CHANGE_COLUMNS),
            brand_rows,
        ),
        Table(
            "theme_changes",
            t["theme_changes"],
            _cols(
                t,
                "col_intent",
                "col_language_code",
                "col_theme",
                "col_posts_before",
                "col_posts_after",
                *_CHANGE_COLUMNS,
            ),
            theme_rows,
        ),
    ]


def ideas_table(ideas: Sequence[dict], t: Catalogue) -> Table:
    return Table(
        "ideas",
        t["title_ideas"],
        _cols(
            t,
            "col_id",
            "col_idea",
            "col_language_code",
            "col_posts",
            "col_askers",
            "col_first_seen",
            "col_last_seen",
            "col_status",
        ),
        [
            (
                idea["id"],
                idea["title"],
                idea["lang"],
                idea["posts"],
                idea["askers"],
                plain(idea["first_seen"]),
                plain(idea["last_seen"]),
                idea["status"],
            )
            for idea in ideas
        ],
    )


def give_ask_table(months: Sequence[dict], t: Catalogue) -> Table:
    return Table(
        "give_ask",
        t["title_ledger"],
        _cols(t, "ledger_axis_month", "ledger_gives", "ledger_asks", "ledger_ratio"),
        [(m["month"], m["gives"], m["asks"], plain(m["ratio"])) for m in months],
    )
