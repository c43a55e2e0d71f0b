"""Everything the report template shows, computed and formatted here so the template only
lays it out. Text from posts stays plain `str`: the template escapes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from escucha.core.labels import INTENTS
from escucha.insights import (
    MIN_POSTS,
    active_authors,
    coverage,
    intent_rates,
    net_sentiment,
    share_of_voice,
    volume_over_time,
)
from escucha.insights.common import UNKNOWN_LANG, normalised
from escucha.insights.opportunities import competitor_benchmark
from escucha.report import backlog, charts, competition
from escucha.report.formatting import day, missing, number, percent, signed
from escucha.report.strings import LANGUAGE_NAMES, STRINGS
from escucha.report.themes import (
    KINDS,
    Themes,
    find_report_themes,
    flagged_counts,
    language_blocks,
    top_theme_of,
)

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.opportunities import Opportunity

METRIC_DETAILS = ("n", "data")  # shown after the scores, not as scores


class _Report:
    def __init__(
        self,
        posts: pd.DataFrame,
        brands: list[dict],
        sources: list[dict],
        models: dict,
        ui: str,
    ) -> None:
        self.posts = normalised(posts)
        self.brands = brands
        self.sources = sources
        self.models = models or {}
        self.t = STRINGS[ui]
        self.lang_names = LANGUAGE_NAMES[ui]
        self.ours = {b["name"] for b in brands if b.get("ours")}
        self.our_brand = next((b["name"] for b in brands if b.get("ours")), None)
        self.share = share_of_voice(self.posts)
        self.sentiment = net_sentiment(self.posts)
        self.languages = self._languages()
        self._lang_rank = {s["code"]: i for i, s in enumerate(self.languages)}
        seen = sorted(set(self.share["brand"]))
        self.colours = charts.brand_colours(brands, seen)

    def lang_name(self, code: str | None) -> str:
        if code is None:
            return self.t["none"]
        return self.lang_names.get(code, code)

    def _rank(self, code: object) -> int:
        """Where a language comes in the report; languages without a section come last."""
        return self._lang_rank.get(code, len(self._lang_rank))

    def _in_language_order(self, frame: pd.DataFrame, by: str) -> pd.DataFrame:
        """Rows by language, then `by` descending, then brand."""
        frame = frame.assign(_rank=frame["lang"].map(self._rank))
        return frame.sort_values(["_rank", by, "brand"], ascending=[True, False, True])

    def _languages(self) -> list[dict]:
        """Languages with brand mentions, ours most-mentioned first, then by posts."""
        mentioned = [c for c in self.share["lang"].unique() if c != UNKNOWN_LANG]
        ours = self.share[self.share["brand"].isin(self.ours)].groupby("lang")["mentions"].sum()
        posts = self.posts["lang"].value_counts()
        codes = sorted(mentioned, key=lambda c: (-int(ours.get(c, 0)), -int(posts.get(c, 0)), c))
        return [{"code": c, "name": self.lang_name(c), "t": self.t} for c in codes]

    # -- sections -------------------------------------------------------------------------

    def header(self) -> dict:
        cov = coverage(self.posts)
        cov = cov.assign(_rank=cov["lang"].map(self._rank)).sort_values(
            ["_rank", "lang", "source"], kind="stable"
        )
        rows = [
            {
                "lang": self.lang_name(r.lang),
                "source": r.source,
                "posts": number(r.posts),
                "first": day(r.first),
                "last": day(r.last),
            }
            for r in cov.itertuples()
        ]
        languages = cov.groupby("lang").agg(
            posts=("posts", "sum"), first=("first", "min"), last=("last", "max")
        )
        order = sorted(languages.index, key=lambda c: (self._rank(c), -languages.at[c, "posts"], c))
        periods = [
            self.t["period_lang"].format(
                lang=self.lang_name(code),
                first=day(languages.at[code, "first"]) or self.t["no_dates"],
                last=day(languages.at[code, "last"]) or self.t["no_dates"],
            )
            for code in order
        ]
        undated = int(self.posts["created_at"].isna().sum())
        return {
            "total": self.t["posts_total"].format(n=number(len(self.posts))),
            "periods": periods,
            "rows": rows,
            "undated": self.t["undated"].format(n=number(undated)) if undated else None,
        }

    def summary(self, themes: Themes) -> list[str]:
        t = self.t
        lines = []
        if self.our_brand is not None:
            ours = self.share[self.share["brand"] == self.our_brand]
            ours = self._in_language_order(ours, "mentions")
            if ours.empty:
                lines.append(t["summary_absent"].format(brand=self.our_brand))
            for row in ours.itertuples():
                sentiment = self._sentiment_row(row.lang, row.brand)
                fields = {
                    "brand": row.brand,
                    "lang": self.lang_name(row.lang),
                    "mentions": number(row.mentions),
                    "share": percent(row.share),
                }
                if sentiment is None or sentiment["too_few"]:
                    text = t["summary_brand_few"].format(**fields)
                else:
                    text = t["summary_brand"].format(net=signed(sentiment["net"]), **fields)
                for key, intent in (("summary_concern", "complaint"), ("summary_wish", "wish")):
                    top = top_theme_of(themes.get(intent, ()), row.lang, row.brand)
                    if top is not None:
                        text += " " + t[key].format(label=top[0], n=number(top[1]))
                lines.append(text)
        for section in self.languages:
            rows = self.share[self.share["lang"] == section["code"]]
            top = rows.iloc[0]
            lines.append(
                t["summary_leader"].format(
                    lang=section["name"], brand=top["brand"], share=percent(top["share"])
                )
            )
        if len(self.languages) > 1:
            lines.append(t["summary_languages"])
        return lines

    def _sentiment_row(self, lang: str, brand: str) -> dict | None:
        rows = self.sentiment[(self.sentiment["lang"] == lang) & (self.sentiment["brand"] == brand)]
        return None if rows.empty else rows.iloc[0].to_dict()

    def share_rows(self) -> list[dict]:
        return [
            {
                "lang": self.lang_name(r.lang),
                "brand": r.brand,
                "ours": r.brand in self.ours,
                "mentions": number(r.mentions),
                "share": percent(r.share),
            }
            for r in self._in_language_order(self.share, "mentions").itertuples()
        ]

    def sentiment_rows(self) -> list[dict]:
        frame = self._in_language_order(self.sentiment, "posts")
        return [
            {
                "lang": self.lang_name(r.lang),
                "brand": r.brand,
                "ours": r.brand in self.ours,
                "posts": number(r.posts),
                "positive": number(r.positive),
                "neutral": number(r.neutral),
                "negative": number(r.negative),
                "net": signed(r.net),
                "interval": None if missing(r.net) else f"{signed(r.ci_low)} … {signed(r.ci_high)}",
                "too_few": bool(r.too_few),
            }
            for r in frame.itertuples()
        ]

    def themes(self, themes: Themes) -> list[dict]:
        """Per language of the report: its concern and wish themes side by side."""
        flagged = flagged_counts(self.posts, [intent for _, intent in KINDS])
        return [
            {
                "name": s["name"],
                "blocks": language_blocks(themes, s["code"], flagged.get(s["code"], {}), self.t),
            }
            for s in self.languages
        ]

    def authors(self) -> dict:
        table = active_authors(self.posts, n=15)
        authors = self.posts.get("author", [])
        known = sum(1 for a in authors if isinstance(a, str) and a.strip())
        return {
            "rows": [
                {
                    "author": r.author,
                    "source": r.source,
                    "posts": number(r.posts),
                    "negative_share": percent(r.negative_share),
                }
                for r in table.itertuples()
            ],
            "missing": self.t["authors_missing"] if table.empty else None,
            "partial": self.t["authors_partial"].format(
                known=number(known), total=number(len(self.posts))
            )
            if 0 < known < len(self.posts)
            else None,
        }

    def competitors(self, benchmark: pd.DataFrame, found: list[Opportunity]) -> dict:
        return {
            "rows": competition.competitor_rows(
                benchmark,
                intent_rates(self.posts),
                self.brands,
                self._rank,
                self.lang_name,
                self.t,
            ),
            "opportunities": competition.opportunity_section(
                found, self.brands, self._rank, self.lang_name, self.t
            ),
        }

    def method(self) -> dict:
        t = self.t
        sources = [
            {
                "source": s.get("source"),
                "location": PurePath(str(s["location"])).name if s.get("location") else None,
                "accepted": number(s.get("accepted") or 0),
                "duplicate": number(s.get("duplicate") or 0),
                "rejected": number(s.get("rejected") or 0),
                "first": day(s.get("first_post")),
                "last": day(s.get("last_post")),
                "coverage": s.get("coverage"),
            }
            for s in self.sources
        ]
        metrics = self.models.get("metrics") or {}
        langs = [s["code"] for s in self.languages]
        unmeasured = [
            self.lang_name(c)
            for c in langs
            if not isinstance((metrics.get("sentiment") or {}).get(c), dict)
        ]
        caveats = [t["caveat_sentiment"]]
        if unmeasured:
            caveats.append(t["caveat_sentiment_unmeasured"].format(langs=", ".join(unmeasured)))
        caveats += [t["caveat_themes"], t["caveat_sample"], t["caveat_brands"]]
        if len(langs) > 1:
            caveats.append(t["caveat_languages"])
        other = int((~self.posts["lang"].isin(langs)).sum())
        if other:
            caveats.append(t["caveat_other_langs"].format(n=number(other)))
        return {
            "sources": sources,
            "version": t["model_version"].format(version=self.models.get("version") or t["none"]),
            "metrics": metric_rows(metrics, langs, self.lang_name, t["not_measured"]),
            "caveats": caveats,
            "brands": [
                {
                    "name": b["name"],
                    "ours": bool(b.get("ours")),
                    "aliases": ", ".join([b["name"], *(b.get("aliases") or [])]),
                    "handles": ", ".join(b.get("handles") or []) or t["none"],
                    "hashtags": ", ".join(b.get("hashtags") or []) or t["none"],
                }
                for b in self.brands
            ],
        }


def _format_metric(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def metric_rows(
    metrics: dict, langs: Sequence[str], lang_name: Any, not_measured: str
) -> list[dict]:
    """Rows (task, language, measured) from the models' metrics, whatever their nesting.

    A leaf is a dict of plain values ({"macro_f1": 0.61, "n": 324, ...}); the keys above it
    name the task and, last, the language. Sentiment and the five intents get a row for
    every language of the report, "not measured" when the metrics have none.
    """
    rows: dict[tuple[str, str], str] = {}

    def walk(path: tuple[str, ...], node: Any) -> None:
        if not isinstance(node, dict):
            return
        if node and all(not isinstance(v, dict) for v in node.values()):
            task = " / ".join(path[:-1]) if len(path) > 1 else path[0] if path else ""
            lang = path[-1] if len(path) > 1 else ""
            scores = [
                f"{k} {_format_metric(v)}" for k, v in node.items() if k not in METRIC_DETAILS
            ]
            details = [f"{k} {_format_metric(node[k])}" for k in METRIC_DETAILS if k in node]
            rows[(task, lang)] = " · ".join(scores + details)
            return
        for key in node:
            walk((*path, str(key)), node[key])

    walk((), metrics)
    tasks = ["sentiment", *(f"intents / {i}" for i in INTENTS)]
    for task in tasks:
        for lang in langs:
            rows.setdefault((task, lang), not_measured)
    task_order = {task: i for i, task in enumerate(tasks)}
    lang_order = {lang: i for i, lang in enumerate(langs)}
    ordered = sorted(
        rows,
        key=lambda k: (
            task_order.get(k[0], len(task_order)),
            k[0],
            lang_order.get(k[1], len(langs)),
            k[1],
        ),
    )
    return [
        {
            "task": task,
            "lang": lang_name(lang) if lang else "",
            "value": rows[(task, lang)],
            "measured": rows[(task, lang)] != not_measured,
        }
        for task, lang in ordered
    ]


def build_context(
    posts: pd.DataFrame,
    *,
    workspace_name: str,
    brands: list[dict],
    sources: list[dict],
    models: dict,
    generated_at: datetime,
    themes: Themes | None = None,
    benchmark: pd.DataFrame | None = None,
    opportunities: list[Opportunity] | None = None,
    ideas: Sequence[dict] = (),
    alerts: Sequence[dict] = (),
    ui: str = "en",
) -> dict:
    """What the template shows. Themes, the competitor benchmark and the opportunities are
    found here from `posts` unless given; ideas and alerts are what the store holds."""
    report = _Report(posts, brands, sources, models, ui)
    t = report.t
    if themes is None:
        themes = find_report_themes(report.posts, brands)
    if benchmark is None:
        benchmark = competitor_benchmark(report.posts, brands, themes=themes["complaint"])
    if opportunities is None:
        opportunities = competition.find_opportunities(report.posts, brands)
    volume = volume_over_time(report.posts)
    return {
        "t": t,
        "ui": ui,
        "title": t["title"].format(workspace=workspace_name),
        "generated": t["generated"].format(when=generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        "header": report.header(),
        "summary": report.summary(themes),
        "volume_chart": charts.volume_chart(volume, report.colours, report.ours, report.languages),
        "share_chart": charts.share_chart(
            report.share, report.colours, report.ours, report.languages
        ),
        "share_rows": report.share_rows(),
        "sentiment_chart": charts.sentiment_chart(
            report.sentiment, report.colours, report.ours, report.languages
        ),
        "sentiment_intro": t["sentiment_intro"].format(min=MIN_POSTS),
        "sentiment_rows": report.sentiment_rows(),
        "themes": report.themes(themes),
        "authors": report.authors(),
        "competitors": report.competitors(benchmark, opportunities),
        "ideas": backlog.idea_section(ideas, report.lang_name, t),
        "alerts": backlog.alert_section(alerts, t),
        "method": report.method(),
    }
