"""Everything the report template shows, worded (escucha.i18n) from what escucha.insights
computes, so the template only lays it out. Text from posts stays plain `str`: the template
escapes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from escucha.i18n import DEFAULT, catalogue
from escucha.i18n.format import day, missing
from escucha.insights import (
    MIN_POSTS,
    active_authors,
    coverage,
    language_order,
    language_periods,
    net_sentiment,
    post_counts,
    share_of_voice,
    volume_over_time,
)
from escucha.insights.common import normalised
from escucha.insights.compare_text import comparison_section, period_text
from escucha.insights.concerns import scope_themes, top_theme
from escucha.insights.flagged import flagged_counts
from escucha.insights.opportunities import (
    competitor_benchmark,
    our_brand,
    our_opportunities,
    with_intent_rates,
)
from escucha.insights.themes import SAMPLE_ABOVE
from escucha.report import backlog, charts, competition, tables
from escucha.report.accuracy import accuracy_notes, measured_languages, metric_rows
from escucha.report.community import give_ask_section
from escucha.report.reach import author_rows, reach_cells
from escucha.report.themes import KINDS, Themes, language_blocks

if TYPE_CHECKING:
    import pandas as pd

    from escucha.i18n import Catalogue
    from escucha.insights.compare import Comparison
    from escucha.insights.opportunities import Opportunity
    from escucha.insights.periods import Period


class _Report:
    def __init__(
        self,
        posts: pd.DataFrame,
        brands: list[dict],
        sources: list[dict],
        models: dict,
        t: Catalogue,
    ) -> None:
        self.posts = normalised(posts)
        self.brands = brands
        self.sources = sources
        self.models = models or {}
        self.t = t
        self.ours = {b["name"] for b in brands if b.get("ours")}
        self.our_brand = our_brand(brands)
        self.share = share_of_voice(self.posts)
        self.sentiment = net_sentiment(self.posts)
        self.counts = post_counts(self.posts)
        self.languages = [
            {"code": c, "name": t.language_name(c)}
            for c in language_order(self.share, self.posts, self.ours)
        ]
        self._lang_rank = {s["code"]: i for i, s in enumerate(self.languages)}
        seen = sorted(set(self.share["brand"]))
        self.colours = charts.brand_colours(brands, seen)

    def _rank(self, code: object) -> int:
        """Where a language comes in the report; languages without a section come last."""
        return self._lang_rank.get(code, len(self._lang_rank))

    def _in_language_order(self, frame: pd.DataFrame, by: str) -> pd.DataFrame:
        """Rows by language, then `by` descending, then brand."""
        frame = frame.assign(_rank=frame["lang"].map(self._rank))
        return frame.sort_values(["_rank", by, "brand"], ascending=[True, False, True])

    # -- sections -------------------------------------------------------------------------

    def header(self, periods: Sequence[Any] | None = None) -> dict:
        """`periods`: each language's data period (reads.overview.language_periods) when the
        report is built from a workspace; else found from the posts the same way."""
        t = self.t
        cov = coverage(self.posts)
        if periods is None:
            found = language_periods(cov)
            spans = {
                code: (found.at[code, "first"], found.at[code, "last"], found.at[code, "posts"])
                for code in found.index
            }
        else:
            spans = {p.lang: (p.first, p.last, p.posts) for p in periods}
        cov = cov.assign(_rank=cov["lang"].map(self._rank)).sort_values(
            ["_rank", "lang", "source"], kind="stable"
        )
        rows = [
            {
                "lang": t.language_name(r.lang),
                "source": r.source,
                "posts": t.number(r.posts),
                "first": day(r.first),
                "last": day(r.last),
            }
            for r in cov.itertuples()
        ]
        order = sorted(spans, key=lambda c: (self._rank(c), -spans[c][2], c))
        undated = self.counts.undated
        return {
            "total": t.text("n_posts", n=t.number(self.counts.total)),
            "periods": [
                t.text(
                    "period_lang",
                    lang=t.language_name(code),
                    first=day(spans[code][0]) or t["no_dates"],
                    last=day(spans[code][1]) or t["no_dates"],
                )
                for code in order
            ],
            "rows": rows,
            "undated": t.text("undated", n=t.number(undated)) if undated else None,
            "labelled": t.text("labels_overview", n=t.number(self.counts.labelled))
            if self.counts.labelled
            else None,
        }

    def summary(self, themes: Themes) -> list[str]:
        t = self.t
        lines = []
        if self.our_brand is not None:
            ours = self.share[self.share["brand"] == self.our_brand]
            ours = self._in_language_order(ours, "mentions")
            if ours.empty:
                lines.append(t.text("summary_absent", brand=self.our_brand))
            for row in ours.itertuples():
                sentiment = self._sentiment_row(row.lang, row.brand)
                fields = {
                    "brand": row.brand,
                    "lang": t.language_name(row.lang),
                    "mentions": t.number(row.mentions),
                    "share": t.percent(row.share),
                }
                if sentiment is None or sentiment["too_few"]:
                    text = t.text("summary_brand_few", **fields)
                else:
                    text = t.text("summary_brand", net=t.signed(sentiment["net"]), **fields)
                for key, intent in (("summary_concern", "complaint"), ("summary_wish", "wish")):
                    top = top_theme(themes.get(intent, ()), row.lang, row.brand)
                    if top is not None:
                        text += " " + t.text(key, label=top[0], n=t.number(top[1]))
                lines.append(text)
        for section in self.languages:
            rows = self.share[self.share["lang"] == section["code"]]
            top = rows.iloc[0]
            lines.append(
                t.text(
                    "summary_leader",
                    lang=section["name"],
                    brand=top["brand"],
                    share=t.percent(top["share"]),
                )
            )
        if len(self.languages) > 1:
            lines.append(t["summary_languages"])
        return lines

    def _sentiment_row(self, lang: str, brand: str) -> dict | None:
        rows = self.sentiment[(self.sentiment["lang"] == lang) & (self.sentiment["brand"] == brand)]
        return None if rows.empty else rows.iloc[0].to_dict()

    def share_rows(self) -> list[dict]:
        t = self.t
        return [
            {
                "lang": t.language_name(r.lang),
                "brand": r.brand,
                "ours": r.brand in self.ours,
                "mentions": t.number(r.mentions),
                "share": t.percent(r.share),
                **reach_cells(r, t),
            }
            for r in self._in_language_order(self.share, "mentions").itertuples()
        ]

    def sentiment_rows(self) -> list[dict]:
        t = self.t
        frame = self._in_language_order(self.sentiment, "posts")
        return [
            {
                "lang": t.language_name(r.lang),
                "brand": r.brand,
                "ours": r.brand in self.ours,
                "posts": t.number(r.posts),
                "positive": t.number(r.positive),
                "neutral": t.number(r.neutral),
                "negative": t.number(r.negative),
                "net": t.signed(r.net),
                "interval": None
                if missing(r.net)
                else f"{t.signed(r.ci_low)} … {t.signed(r.ci_high)}",
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
        t = self.t
        table = active_authors(self.posts, n=15)
        known, total = self.counts.with_author, self.counts.total
        by_reach = author_rows(active_authors(self.posts, n=10, by="reach"), t)
        by_engagement = author_rows(active_authors(self.posts, n=10, by="engagement"), t)
        return {
            "rows": author_rows(table, t),
            "by_reach": by_reach,
            "by_engagement": by_engagement,
            "missing": t["authors_missing"] if table.empty else None,
            "partial": t.text("authors_partial", known=t.number(known), total=t.number(total))
            if 0 < known < total
            else None,
        }

    def tables(
        self,
        themes: Themes,
        benchmark: pd.DataFrame,
        volume: pd.DataFrame,
        comparison: Comparison | None,
        ideas: Sequence[dict],
        give_ask: Sequence[dict],
    ) -> list[tables.Table]:
        """The report's tables as plain values, in the order and from the frames the HTML
        shows (escucha.report.tables): the CSV and XLSX downloads."""
        t, ours = self.t, self.ours
        cov = coverage(self.posts)
        cov = cov.assign(_rank=cov["lang"].map(self._rank)).sort_values(
            ["_rank", "lang", "source"], kind="stable"
        )
        rates = with_intent_rates(benchmark, self.posts)
        rates = rates.assign(_rank=rates["lang"].map(self._rank)).sort_values(
            "_rank", kind="stable"
        )
        found = [
            tables.coverage_table(cov, t),
            tables.share_table(self._in_language_order(self.share, "mentions"), ours, t),
            tables.sentiment_table(self._in_language_order(self.sentiment, "posts"), ours, t),
            tables.volume_table(volume, t),
            tables.themes_table(themes, t),
            tables.authors_table(active_authors(self.posts, n=15), t),
            tables.competitors_table(rates, t),
            tables.ideas_table(ideas, t),
            tables.give_ask_table(give_ask, t),
        ]
        if comparison is not None:
            found[1:1] = tables.comparison_tables(comparison, ours, self._rank, t)
        return found

    def _records(self) -> list[Mapping[str, Any]]:
        return (self.models.get("metrics") or {}).get("records") or []

    def accuracy_notes(self, tasks: Sequence[str]) -> list[str]:
        """Per task, the measured accuracy in each of the report's languages, when the report
        compares two or more languages (empty otherwise)."""
        langs = [s["code"] for s in self.languages]
        return accuracy_notes(self._records(), langs, tasks, self.t)

    def competitors(self, benchmark: pd.DataFrame, found: list[Opportunity]) -> dict:
        return {
            "accuracy": self.accuracy_notes(("intent.complaint", "intent.wish")),
            "rows": competition.competitor_rows(
                with_intent_rates(benchmark, self.posts), self.brands, self._rank, self.t
            ),
            "opportunities": competition.opportunity_section(
                found, self.brands, self._rank, self.t
            ),
        }

    def method(self) -> dict:
        t = self.t
        sources = [
            {
                "source": s.get("source"),
                "location": PurePath(str(s["location"])).name if s.get("location") else None,
                "accepted": t.number(s.get("accepted") or 0),
                "duplicate": t.number(s.get("duplicate") or 0),
                "rejected": t.number(s.get("rejected") or 0),
                "first": day(s.get("first_post")),
                "last": day(s.get("last_post")),
                "coverage": t.say(s["coverage"]) if s.get("coverage") else None,
            }
            for s in self.sources
        ]
        records = (self.models.get("metrics") or {}).get("records") or []
        langs = [s["code"] for s in self.languages]
        with_sentiment = measured_languages(records, "sentiment")
        unmeasured = [t.language_name(c) for c in langs if c not in with_sentiment]
        caveats = [t["caveat_sentiment"]]
        if unmeasured:
            caveats.append(t.text("caveat_sentiment_unmeasured", langs=", ".join(unmeasured)))
        caveats += [t["caveat_themes"], t["caveat_sample"], t["caveat_brands"]]
        if len(langs) > 1:
            caveats.append(t["caveat_languages"])
        other = self.counts.outside(langs)
        if other:
            caveats.append(t.text("caveat_other_langs", n=t.number(other)))
        return {
            "sources": sources,
            "version": t.text("model_version", version=self.models.get("version") or t["none"]),
            "metrics": metric_rows(
                records,
                langs,
                t.language_name,
                t["not_measured"],
                locale=t.locale,
                task_name=lambda part: t.get(f"task_{part}", part),
            ),
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
    give_ask: Sequence[dict] = (),
    lang: str = DEFAULT,
    period: Period | None = None,
    comparison: Comparison | None = None,
    periods: Sequence[Any] | None = None,
    sample_above: int = SAMPLE_ABOVE,
) -> dict:
    """What the template shows, in UI language `lang`. Themes, the competitor benchmark and
    the opportunities are found here from `posts` unless given; ideas, alerts and the give/ask
    balance per month (`give_ask`, community.ledger.give_ask_by_month) are what the store
    holds. `period`: the period `posts` were kept to (None: every post); `comparison`: that
    period against another (insights.compare.compare_periods), shown in its own section.
    `periods`: each language's data period (reads.overview.language_periods), found from
    `posts` when not given."""
    t = catalogue(lang)
    report = _Report(posts, brands, sources, models, t)
    if themes is None:
        themes = scope_themes(report.posts, brands, sample_above=sample_above)
    if benchmark is None:
        benchmark = competitor_benchmark(report.posts, brands, themes=themes["complaint"])
    if opportunities is None:
        opportunities = our_opportunities(report.posts, brands, sample_above=sample_above)
    volume = volume_over_time(report.posts)
    sections, colours, ours = report.languages, report.colours, report.ours
    return {
        "t": t,
        "lang": t.lang,
        "title": t.text("report_title", workspace=workspace_name),
        "generated": t.text(
            "report_generated", when=generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        ),
        "header": report.header(periods),
        "summary": report.summary(themes),
        "volume_chart": charts.volume_chart(volume, colours, ours, sections, t),
        "share_chart": charts.share_chart(report.share, colours, ours, sections, t),
        "share_rows": report.share_rows(),
        "sentiment_chart": charts.sentiment_chart(report.sentiment, colours, ours, sections, t),
        "sentiment_intro": t.text("sentiment_intro", min=MIN_POSTS),
        "sentiment_rows": report.sentiment_rows(),
        "sentiment_accuracy": report.accuracy_notes(("sentiment",)),
        "themes": report.themes(themes),
        "authors": report.authors(),
        "competitors": report.competitors(benchmark, opportunities),
        "ideas": backlog.idea_section(ideas, t),
        "alerts": backlog.alert_section(alerts, t),
        "give_ask": give_ask_section(give_ask, t),
        "method": report.method(),
        "period": period_text(period, t) if period is not None else None,
        "comparison": comparison_section(comparison, ours, report._rank, t),
        "tables": report.tables(themes, benchmark, volume, comparison, ideas, give_ask),
    }
