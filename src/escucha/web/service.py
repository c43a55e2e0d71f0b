"""What the pages and the API compute from the store, cached per data version.

An `Insights` lives for one request: it reads the data version once, and every value it
gives comes from the app's cache when the data has not changed since it was computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.errors import NotFound
from escucha.query import Query
from escucha.reads.posts import Selection, select_ids
from escucha.reads.versions import data_version
from escucha.web.deps import get_ctx

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights import PhraseIndex
    from escucha.insights.opportunities import Opportunity
    from escucha.insights.themes import Theme
    from escucha.web.context import WebContext


@dataclass(frozen=True)
class ThemeFinding:
    themes: dict[str, list[Theme]]  # intent -> its themes, every language
    flagged: dict[str, dict[str, int]]  # language -> intent -> posts grouped

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
    def version(self) -> tuple:
        with self.engine.connect() as conn:
            return data_version(conn, self.model_version)

    def _cached(self, key: tuple, compute) -> Any:
        return self.ctx.cache.get(key, self.version, compute)

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

    def overview(self) -> dict:
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
            dated = counts[counts["day"].notna()]
            periods = {
                lang: (rows["day"].min(), rows["day"].max()) for lang, rows in dated.groupby("lang")
            }
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

    def charts(self, ui: str) -> dict:
        """The overview's SVG charts in a UI language (rendering is the slow part)."""

        def compute() -> dict:
            from escucha.web.charts import overview_charts

            return overview_charts(self.overview(), self.brand_dicts(), ui)

        return self._cached(("charts", ui), compute)

    # -- pages that need the posts themselves (pandas) ------------------------------------

    def brand_dicts(self) -> list[dict]:
        from escucha.report_inputs import brand_dicts

        return brand_dicts(self.ctx.workspace)

    def frame(self) -> pd.DataFrame:
        def compute():
            from escucha.frames import posts_frame
            from escucha.insights.common import normalised

            return normalised(posts_frame(self.ctx.workspace))

        return self._cached(("frame",), compute)

    def phrase_index(self, lang: str) -> PhraseIndex:
        def compute():
            from escucha.insights import PhraseIndex, brand_words

            return PhraseIndex(self.frame(), lang, brand_words(self.brand_dicts()))

        return self._cached(("phrases", lang), compute)

    def competitors(self) -> pd.DataFrame:
        def compute():
            from escucha.insights import competitor_table

            langs = self.overview()["languages"]
            indexes = {lang: self.phrase_index(lang) for lang in langs}
            return competitor_table(self.frame(), self.brand_dicts(), indexes=indexes)

        return self._cached(("competitors",), compute)

    def themes(self, query: Query | None, intents: tuple[str, ...]) -> ThemeFinding:
        """The themes of each intent ("any": every post) of the analysed posts the query
        selects (all without one), as `escucha themes` finds them."""

        def compute() -> ThemeFinding:
            import numpy as np

            from escucha.insights import brand_words
            from escucha.insights.flagged import flagged_counts
            from escucha.insights.themes import themes_of

            frame = self.frame()
            keep = frame["model_version"].notna()
            if query is not None:
                keep &= frame["id"].isin(self.selection(query).ids)
            chosen = frame[np.asarray(keep, dtype=bool)]
            exclude = brand_words(self.brand_dicts())
            return ThemeFinding(
                {i: themes_of(chosen, i, exclude=exclude) for i in intents},
                flagged_counts(chosen, intents),
            )

        return self._cached(("themes", query.text if query else "", intents), compute)

    def opportunities(self) -> list[Opportunity]:
        def compute():
            from escucha.insights.opportunities import our_opportunities

            return our_opportunities(self.frame(), self.brand_dicts())

        return self._cached(("opportunities",), compute)

    # -- explorer and API -----------------------------------------------------------------

    def filter_options(self) -> dict:
        def compute() -> dict:
            from escucha.reads.overview import filter_values

            with self.engine.connect() as conn:
                stored = filter_values(conn, self.model_version)
            configured = [b.name for b in self.ctx.workspace.config.brands]
            brands = configured + sorted(stored.brands - set(configured))
            return {
                "brands": brands,
                "langs": stored.langs,
                "sources": stored.sources,
                "sentiments": SENTIMENTS,
                "intents": INTENTS,
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

    def ordered(self, query: Query | None, sort: str) -> tuple[int, ...]:
        """The ids of the posts `query` selects (all without one) in `sort` order
        (reads.posts.SORTS); the order of every post is computed once per data version."""
        from escucha.reads.posts import sorted_ids

        def every() -> tuple[int, ...]:
            with self.engine.connect() as conn:
                return tuple(sorted_ids(conn, sort))

        if query is None:
            return self._cached(("order", sort), every)
        selection = self.selection(query)
        order = self._cached(("order", sort), every)

        def chosen() -> tuple[int, ...]:
            wanted = set(selection.ids or ())
            return tuple(i for i in order if i in wanted)

        return self._cached(("ordered", query.text, sort), chosen)

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
