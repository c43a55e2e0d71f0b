"""What the pages and the API compute from the store, cached per data version.

An `Insights` lives for one request: it reads the data version once, and every value it
gives comes from the app's cache when the data has not changed since it was computed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.errors import NotFound
from escucha.query import Query
from escucha.reads.posts import PostOrder, Selection, select_ids
from escucha.reads.versions import Versions, current_versions
from escucha.web.deps import get_ctx

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.compare import BrandChange
    from escucha.insights.concerns import BrandTheme
    from escucha.insights.drivers import Drivers
    from escucha.insights.opportunities import Opportunity
    from escucha.insights.periods import Period, PeriodChoice
    from escucha.insights.themes import Theme
    from escucha.reads.overview import LanguagePeriod
    from escucha.web.context import WebContext
    from escucha.web.filters import PostFilter
    from escucha.web.periods import PeriodView


@dataclass(frozen=True)
class ThemeFinding:
    themes: dict[str, list[Theme]]  # intent -> its themes, every language
    flagged: dict[str, dict[str, int]]  # language -> intent -> posts grouped
    brand: str | None = None  # one brand's view: the themes holding its posts ...
    mine: dict[str, BrandTheme] = field(default_factory=dict)  # ... theme id -> its posts there

    def of_brand(self, brand: str) -> ThemeFinding:
        """These themes as `brand` sees them (insights.concerns.of_brand): those holding its
        posts, most of them first; `flagged` counts its posts."""
        from escucha.insights.concerns import of_brand

        themes: dict[str, list[Theme]] = {}
        mine: dict[str, BrandTheme] = {}
        flagged: dict[str, dict[str, int]] = {}
        for intent, found in self.themes.items():
            seen = of_brand(found, brand)
            themes[intent] = [b.theme for b in seen]
            for b in seen:
                mine[b.theme.id] = b
                per_lang = flagged.setdefault(b.theme.lang, {})
                per_lang[intent] = per_lang.get(intent, 0) + b.posts
        return ThemeFinding(themes, flagged, brand, mine)

    def find(self, theme_id: str) -> tuple[str, Theme]:
        """The theme with this id and its intent; NotFound if none has it."""
        for intent, found in self.themes.items():
            for theme in found:
                if theme.id == theme_id:
                    return intent, theme
        raise NotFound(f"no theme {theme_id!r}")


class Insights:
    """Never call its methods while holding a connection: a value being computed by another
    request is waited for, and a waiting thread must not keep a pooled connection."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx
        self.engine = ctx.engine
        self.model_version = ctx.model_version

    @cached_property
    def versions(self) -> Versions:
        return current_versions(self.engine, self.model_version)

    @property
    def version(self) -> tuple:
        return self.versions.data

    def _cached(self, key: tuple, compute) -> Any:
        return self.ctx.cache.get(key, self.version, compute)

    def cached_part(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """A part of a page or an API answer shaped from the aggregates (`compute`), kept
        until the data version changes: `key` must hold everything it depends on besides
        the data (the UI language, the period, the filter; never the user)."""
        return self._cached(("part", *key), compute)

    def shared_answer(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """A page body or an API answer, rendered (`compute`) once per data version and
        `key` (everything it depends on besides the data; never the user) and kept apart
        from the aggregates (`WebContext.answers`)."""
        return self.ctx.answers.get(key, self.version, compute)

    def honesty(self) -> dict:
        """The brand's honesty figures (engage.honesty.brand_honesty) at the start of this
        minute: computed again when the minute, the posts, the ledger (an interaction logged,
        a person erased) or the guard's list files change."""
        from escucha.engage.guard import list_texts
        from escucha.engage.honesty import brand_honesty

        workspace = self.ctx.workspace
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        version = (self.version, self.versions.ledger, now, list_texts(workspace.path))
        return self.ctx.cache.get(("honesty",), version, lambda: brand_honesty(workspace, now))

    def ready_or_start(self, key: tuple, compute: Callable[[], Any]) -> tuple[bool, Any]:
        """(True, value) if it is ready within the `compute_wait` setting; else (False, None)
        while one background thread computes it (web.cache.VersionedCache.ready_or_start)."""
        wait = self.ctx.settings.compute_wait
        return self.ctx.cache.ready_or_start(key, self.version, compute, wait)

    # -- the overview's numbers, all from SQL ---------------------------------------------

    def counts(self, query: Query | None = None) -> pd.DataFrame:
        """Brand mentions per language, brand, sentiment and day of the posts `query` selects
        (every post without one)."""
        from escucha.reads.mentions import mention_counts

        def compute():
            ids = None if query is None else self.selection(query).ids
            with self.engine.connect() as conn:
                return mention_counts(conn, self.model_version, ids)

        return self._cached(("counts", query.text if query else None), compute)

    def language_periods(self, period: Period | None = None) -> list[LanguagePeriod]:
        """Each language's data period (of the posts of `period`), as every face shows it
        (reads.overview.language_periods)."""
        from escucha.reads.overview import language_periods

        def compute() -> list[LanguagePeriod]:
            start, end = (None, None) if period is None else (period.start, period.end)
            with self.engine.connect() as conn:
                return language_periods(conn, self.model_version, start, end)

        return self._cached(("language_periods", period), compute)

    def days(self) -> tuple:
        """The first and last UTC day with a post (None, None without one): presets end on
        the newest, as in the report and the Python API."""
        found = self.language_periods()
        if not found:
            return None, None
        return min(p.first for p in found), max(p.last for p in found)

    def period(self, choice: PeriodChoice) -> PeriodView:
        """A period choice resolved against the workspace's days (presets end on the newest)."""
        from escucha.web.periods import PeriodView

        oldest, newest = self.days()
        return PeriodView(choice, choice.resolve(newest, oldest), newest)

    def intent_counts(self) -> pd.DataFrame:
        """Mentions flagged complaint and wish per language, brand and day (SQL)."""
        from escucha.reads.mentions import intent_counts

        def compute():
            with self.engine.connect() as conn:
                return intent_counts(conn, self.model_version)

        return self._cached(("intent_counts",), compute)

    def comparison(self, before: Period, after: Period) -> list[BrandChange]:
        """Each brand's change from `before` to `after`, from the daily counts (fast)."""
        from escucha.insights.compare import compare_counts
        from escucha.insights.periods import counts_in

        def compute() -> list[BrandChange]:
            counts, intents = self.counts(), self.intent_counts()
            return compare_counts(
                counts_in(counts, before),
                counts_in(counts, after),
                counts_in(intents, before),
                counts_in(intents, after),
                (before, after),
            )

        return self._cached(("comparison", before, after), compute)

    def drivers(self, chosen: Query | None, baseline: Query | None) -> Drivers:
        """What is over-represented in the posts `chosen` selects against `baseline`'s."""

        def compute() -> Drivers:
            import numpy as np

            from escucha.insights import brand_words
            from escucha.insights.drivers import find_drivers

            frame = self.insight_frame()

            def rows(query: Query | None) -> pd.DataFrame:
                ids = self.selection(query).ids
                if ids is None:
                    return frame
                return frame[np.asarray(frame["id"].isin(ids), dtype=bool)]

            exclude = brand_words(self.brand_dicts())
            return find_drivers(rows(chosen), rows(baseline), exclude=exclude)

        key = ("drivers", chosen.text if chosen else "", baseline.text if baseline else "")
        return self._cached(key, compute)

    def overview(self, period: Period | None = None) -> dict:
        """Share of voice, net sentiment, volume, languages in display order, and totals
        (of the mentions in `period`; every one without)."""
        if period is None:
            return self._overview()

        def compute() -> dict:
            from escucha.insights import (
                net_sentiment_from_counts,
                share_from_counts,
                volume_from_counts,
            )
            from escucha.insights.periods import counts_in

            whole = self._overview()
            counts = counts_in(self.counts(), period)
            return {
                **whole,
                "periods": _spans(self.language_periods(period)),
                "share": share_from_counts(counts),
                "sentiment": net_sentiment_from_counts(counts),
                "volume": volume_from_counts(counts),
                "mentions": int(counts["mentions"].sum()),
            }

        return self._cached(("overview", period), compute)

    def _overview(self) -> dict:
        """Share of voice, net sentiment, volume, languages in display order, and totals."""

        def compute() -> dict:
            from escucha.core.labels import UNKNOWN_LANG
            from escucha.insights import (
                net_sentiment_from_counts,
                share_from_counts,
                volume_from_counts,
            )
            from escucha.reads.overview import post_totals

            counts = self.counts()
            share = share_from_counts(counts)
            ours = {b.name for b in self.ctx.workspace.config.brands if b.ours}
            mentioned = share[share["lang"] != UNKNOWN_LANG]
            our_mentions = mentioned[mentioned["brand"].isin(ours)].groupby("lang")["mentions"]
            per_lang = mentioned.groupby("lang")["mentions"].sum()
            languages = sorted(
                per_lang.index,
                key=lambda c: (-int(our_mentions.sum().get(c, 0)), -int(per_lang[c]), c),
            )
            periods = _spans(self.language_periods())
            from escucha.understand.corrections import labelled_count

            with self.engine.connect() as conn:
                totals = post_totals(conn, self.model_version)
                labelled = labelled_count(conn)
            return {
                "share": share,
                "sentiment": net_sentiment_from_counts(counts),
                "volume": volume_from_counts(counts),
                "languages": languages,
                "periods": periods,
                "posts": totals.posts,
                "enriched": totals.enriched,
                "mentions": int(counts["mentions"].sum()),
                "labelled": labelled,
            }

        return self._cached(("overview",), compute)

    def charts(self, ui: str, period: Period | None = None, links: bool = False) -> dict:
        """The overview's SVG charts in a UI language (rendering is the slow part) for the
        mentions of `period`; `links`: each bar and point opens its posts."""

        def compute() -> dict:
            from escucha.web.charts import overview_charts

            return overview_charts(self.overview(period), self.brand_dicts(), ui, links, period)

        return self._cached(("charts", ui, period, links), compute)

    # -- pages that need the posts themselves (pandas) ------------------------------------

    def brand_dicts(self) -> list[dict]:
        from escucha.report_inputs import brand_dicts

        return brand_dicts(self.ctx.workspace)

    def frame(self) -> pd.DataFrame:
        """Every post with every column (escucha.frames.posts_frame), normalised."""

        def compute():
            from escucha.frames import posts_frame
            from escucha.insights.common import normalised

            return normalised(posts_frame(self.ctx.workspace))

        return self._cached(("frame",), compute)

    def insight_frame(self) -> pd.DataFrame:
        """Every post with the columns the themes, competitors, opportunities and drivers
        read (escucha.frames.INSIGHT_COLUMNS), compact, normalised: 40% less memory than `frame`."""

        def compute():
            from escucha.frames import INSIGHT_COLUMNS, posts_frame
            from escucha.insights.common import normalised

            frame = posts_frame(self.ctx.workspace, columns=INSIGHT_COLUMNS, compact=True)
            return normalised(frame)

        return self._cached(("insight_frame",), compute)

    def scope_themes(self, period: Period | None = None) -> ThemeFinding:
        """The themes of the complaints and the wishes of the posts of `period` (every post
        without one): insights.concerns.scope_themes, what the report and the Python API
        show for the same period, found once per data version."""

        def compute() -> ThemeFinding:
            from escucha.insights.concerns import FLAGGED_INTENTS, scope_themes
            from escucha.insights.flagged import flagged_counts
            from escucha.insights.periods import in_period

            frame = in_period(self.insight_frame(), period)
            above = self.ctx.workspace.config.themes.sample_posts
            themes = scope_themes(frame, self.brand_dicts(), sample_above=above)
            analysed = frame[["lang", "intents"]][frame["model_version"].notna()]  # all it reads
            return ThemeFinding(themes, flagged_counts(analysed, FLAGGED_INTENTS))

        return self._cached(("scope_themes", period), compute)

    def competitors(self, period: Period | None = None) -> pd.DataFrame:
        """The competitor table of the posts of `period` (every post without one); each
        brand's top concern is its top complaint theme of the period's themes."""

        def compute():
            from escucha.insights import competitor_table
            from escucha.insights.periods import in_period

            themes = self.scope_themes(period).themes["complaint"]
            frame = in_period(self.insight_frame(), period)
            return competitor_table(frame, self.brand_dicts(), themes=themes)

        return self._cached(("competitors", period), compute)

    def filter_themes(self, flt: PostFilter, intents: tuple[str, ...]) -> ThemeFinding:
        """The themes pages' and the API's: a filter that only chooses the complaints and
        the wishes of a language and/or a period is a scope, whose themes are
        `scope_themes` (the competitor table's, the report's); any other filter gets the
        themes of the posts it selects (`themes`). A brand is never clustered on its own:
        its view is the themes of the filter without it, as the brand sees them
        (`ThemeFinding.of_brand`), so its top concern is the competitor table's. FilterError
        if its query is not valid."""
        from escucha.insights.concerns import FLAGGED_INTENTS
        from escucha.insights.periods import Period

        query = flt.compile()
        if flt.brand:
            found = self.filter_themes(replace(flt, brand=None), intents)
            return found.of_brand(self.brand_name(flt.brand))
        others = (flt.q.strip(), flt.sentiment, flt.intent, flt.source, flt.category)
        dated = flt.date_from is not None and flt.date_to is not None
        if any(others) or intents != FLAGGED_INTENTS or dated != bool(flt.date_from or flt.date_to):
            return self.themes(query, intents)
        period = Period(flt.date_from, flt.date_to) if flt.date_from and flt.date_to else None
        found = self.scope_themes(period)
        if flt.lang is None:
            return found
        return ThemeFinding(
            {i: [th for th in ts if th.lang == flt.lang] for i, ts in found.themes.items()},
            {c: n for c, n in found.flagged.items() if c == flt.lang},
        )

    def themes(self, query: Query | None, intents: tuple[str, ...]) -> ThemeFinding:
        """The themes of each intent ("any": every post) of the analysed posts the query
        selects (all without one), as `escucha themes` finds them."""

        def compute() -> ThemeFinding:
            import numpy as np

            from escucha.insights import brand_words
            from escucha.insights.flagged import flagged_counts
            from escucha.insights.themes import themes_of

            frame = self.insight_frame()
            keep = frame["model_version"].notna()
            if query is not None:
                keep &= frame["id"].isin(self.selection(query).ids)
            chosen = frame[np.asarray(keep, dtype=bool)]
            exclude = brand_words(self.brand_dicts())
            above = self.ctx.workspace.config.themes.sample_posts
            return ThemeFinding(
                {i: themes_of(chosen, i, exclude=exclude, sample_above=above) for i in intents},
                flagged_counts(chosen, intents),
            )

        return self._cached(("themes", query.text if query else "", intents), compute)

    def brand_name(self, name: str) -> str:
        """A brand as the posts name it (the query's brand: ignores case), else `name`."""
        known = self.filter_options()["brands"]
        return next((b for b in known if b.casefold() == name.casefold()), name)

    def theme_post_ids(self, theme: Theme, brand: str | None) -> tuple[int, ...]:
        """The theme's posts (ids, ascending); with `brand`, those that mention it."""
        if brand is None:
            return tuple(sorted(theme.post_ids))
        frame = self.insight_frame()
        chosen = frame[frame["id"].isin(theme.post_ids)]
        mention = zip(chosen["id"], chosen["brands"], strict=True)
        return tuple(sorted(int(i) for i, names in mention if brand in names))

    def accuracy_notes(self, languages: Sequence[str], tasks: Sequence[str], ui: str) -> list[str]:
        """The models' measured accuracy in each of `languages`, a sentence per task, worded
        as the report words it next to the same comparisons (report.accuracy); none with
        fewer than two languages."""
        from escucha.i18n import catalogue
        from escucha.report.accuracy import accuracy_notes
        from escucha.understand.shipped import shipped_metrics

        records = shipped_metrics().get("records") or []
        return accuracy_notes(records, languages, tasks, catalogue(ui))

    def opportunities(self, period: Period | None = None) -> list[Opportunity]:
        def compute():
            from escucha.insights.opportunities import our_opportunities
            from escucha.insights.periods import in_period

            frame = in_period(self.insight_frame(), period)
            above = self.ctx.workspace.config.themes.sample_posts
            return our_opportunities(frame, self.brand_dicts(), sample_above=above)

        return self._cached(("opportunities", period), compute)

    # -- explorer and API -----------------------------------------------------------------

    def filter_options(self) -> dict:
        def compute() -> dict:
            from escucha.reads.overview import filter_values
            from escucha.understand.categories import list_categories

            with self.engine.connect() as conn:
                stored = filter_values(conn, self.model_version)
                categories = [c["name"] for c in list_categories(conn)]
            configured = [b.name for b in self.ctx.workspace.config.brands]
            brands = configured + sorted(stored.brands - set(configured))
            return {
                "brands": brands,
                "langs": stored.langs,
                "sources": stored.sources,
                "sentiments": SENTIMENTS,
                "intents": INTENTS,
                "categories": categories,
            }

        return self._cached(("options",), compute)

    def total(self, selection: Selection) -> int:
        """How many posts a selection holds (counting every post is cached: it is slow)."""
        if selection.ids is not None:
            return len(selection.ids)

        def compute() -> int:
            with self.engine.connect() as conn:
                return selection.total(conn)

        return self._cached(("total",), compute)

    def ordered(self, query: Query | None, sort: str) -> PostOrder:
        """The ids of the posts `query` selects (all without one) in `sort` order
        (reads.posts.SORTS); the order of every post is computed once per data version."""
        from escucha.reads.posts import sorted_ids

        def every() -> PostOrder:
            with self.engine.connect() as conn:
                return sorted_ids(conn, sort)

        if query is None:
            return self._cached(("order", sort), every)
        selection = self.selection(query)
        order = self._cached(("order", sort), every)

        def chosen() -> PostOrder:
            return order.keep(selection.ids or ())

        return self._cached(("ordered", query.text, sort), chosen)

    def day_counts(self, query: Query | None) -> dict[str, int] | None:
        """The posts `query` selects per UTC day, from the rollups, when it is a field-only
        filter they can count exactly (reads.by_day.day_counts); else None."""
        from escucha.reads.by_day import day_counts

        def compute() -> dict[str, int] | None:
            with self.engine.connect() as conn:
                return day_counts(conn, query, self.model_version)

        return self._cached(("day_counts", query.text if query else None), compute)

    def listing(self, query: Query | None) -> tuple[Selection, int]:
        """The posts `query` selects, to read newest stored first (reads.posts.page), and how
        many: a field-only filter's counted from the rollups and each page read by one query
        with LIMIT (reads.by_day.FieldSelection), without selecting every post first."""
        from escucha.reads.by_day import FieldSelection

        days = self.day_counts(query)
        if days is None:
            selection = self.selection(query)
            return selection, self.total(selection)
        return FieldSelection(None, query, self.model_version), sum(days.values())

    def selected(self, query: Query | None, sort: str) -> int:
        """How many posts `query` selects (all without one), as `ordered` would hold them: a
        field-only filter's from the rollups, in date order (without selecting them)."""
        from escucha.reads.by_day import DATE_SORTS

        days = self.day_counts(query) if sort in DATE_SORTS else None
        if days is None:
            return len(self.ordered(query, sort))
        return sum(days.values())

    def window(self, query: Query | None, sort: str, start: int, stop: int) -> tuple[int, ...]:
        """The ids at positions `start` to `stop` (excluded) of `ordered(query, sort)`: for a
        field-only filter in date order, read a span of days at a time (reads.by_day) instead
        of ordering every selected post."""
        from escucha.reads.by_day import DATE_SORTS, page_ids

        days = self.day_counts(query) if sort in DATE_SORTS else None
        if days is None:
            return self.ordered(query, sort)[start:stop]

        def compute() -> tuple[int, ...]:
            with self.engine.connect() as conn:
                found = page_ids(conn, query, self.model_version, days, sort, start, stop)
            return tuple(found)

        return self._cached(("window", query.text if query else None, sort, start, stop), compute)

    def selection(self, query: Query | None) -> Selection:
        if query is None:
            return Selection(None)

        def compute() -> Selection:
            with self.engine.connect() as conn:
                budget = self.ctx.settings.limits.query_seconds
                return select_ids(conn, query, self.model_version, budget)

        return self._cached(("ids", query.text), compute)


def get_insights(ctx: Annotated[Any, Depends(get_ctx)]) -> Insights:
    return Insights(ctx)


def _spans(periods: list[LanguagePeriod]) -> dict[str, tuple[str, str]]:
    """Language -> its first and last day (YYYY-MM-DD), as the overview shows them."""
    return {p.lang: (p.first.isoformat(), p.last.isoformat()) for p in periods}
