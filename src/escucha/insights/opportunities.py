"""Competitor benchmarking on themes: how each brand is talked about, and where competitors
are praised for what we are criticised for.

Both functions take the posts frame, the brands (dicts as the report gets them, or names)
and an optional period: `since` <= created_at < `until` (naive dates are UTC).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from escucha.insights.aggregates import MIN_POSTS, net_sentiment, share_of_voice
from escucha.insights.common import normalised
from escucha.insights.concerns import TOP_THEMES, brand_themes, scope_themes
from escucha.insights.terms import brand_words
from escucha.insights.themes import (
    N_QUOTES,
    SAMPLE_ABOVE,
    Theme,
    ThemeQuote,
    find_themes,
    quote_of,
)

if TYPE_CHECKING:
    import pandas as pd

MATCH_TERMS = 5  # themes match when they share a term among their top MATCH_TERMS
MATCH_MAX_DF = 0.3  # ... if that term is in at most this share of both sides' posts
MIN_SIDE = 3  # posts an opportunity needs on each side
SHOWN_MIN_SIDE = 5  # ... to be shown in the report and the web app

BrandSpec = dict | str


@dataclass(frozen=True)
class Opportunity:
    """An aspect (shared theme terms) praised in competitors' posts and criticised in ours."""

    lang: str
    label: str  # our theme's label
    terms: tuple[str, ...]  # the terms both sides' themes share, most weighted first
    ours: str
    our_posts: int  # our critical posts in the matched theme
    competitor_posts: int  # competitors' praising posts in the matched themes
    competitors: dict[str, int]  # competitor -> its praising posts there, most first
    our_theme_id: str
    competitor_theme_ids: tuple[str, ...]
    our_quotes: tuple[ThemeQuote, ...]
    competitor_quotes: tuple[ThemeQuote, ...]


def in_period(
    posts: pd.DataFrame, since: datetime | str | None = None, until: datetime | str | None = None
) -> pd.DataFrame:
    """The posts with since <= created_at < until (either bound may be None)."""
    import pandas as pd

    frame = normalised(posts)
    keep = pd.Series(True, index=frame.index)
    if since is not None:
        keep &= frame["created_at"] >= _utc(since)
    if until is not None:
        keep &= frame["created_at"] < _utc(until)
    return frame[keep].reset_index(drop=True)


def _utc(value: datetime | str) -> pd.Timestamp:
    import pandas as pd

    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _names(brands: Sequence[BrandSpec]) -> list[str]:
    return [b["name"] if isinstance(b, dict) else str(b) for b in brands]


def _exclude(brands: Sequence[BrandSpec]) -> set[str]:
    return brand_words(b if isinstance(b, dict) else {"name": b} for b in brands)


BENCHMARK_COLUMNS = [
    "lang",
    "brand",
    "ours",
    "mentions",
    "share",
    "positive",
    "negative",
    "net",
    "ci_low",
    "ci_high",
    "too_few",
    "complaints",
    "top_themes",
    "top_theme_posts",
]


def competitor_benchmark(
    posts: pd.DataFrame,
    brands: Sequence[BrandSpec],
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    min_posts: int = MIN_POSTS,
    themes: Sequence[Theme] | None = None,
) -> pd.DataFrame:
    """Per language and mentioned brand: lang, brand, ours, mentions, share (of voice in the
    language), positive, negative, net, ci_low, ci_high, too_few, complaints, top_themes
    (labels of the brand's TOP_THEMES biggest complaint themes) and top_theme_posts.

    The complaint themes are found once per language over every brand's complaints, so
    brands are compared on the same themes; a caller that already has them for `posts`
    (and no period) passes them as `themes`.
    """
    import numpy as np
    import pandas as pd

    if posts.empty:
        return pd.DataFrame(columns=BENCHMARK_COLUMNS)
    if themes is not None and (since is not None or until is not None):
        raise ValueError("themes found over all posts cannot be reused for a period")
    frame = in_period(posts, since, until)
    names = _names(brands)
    ours = {b["name"] for b in brands if isinstance(b, dict) and b.get("ours")}
    voice = share_of_voice(frame)
    sentiment = net_sentiment(frame, min_posts=min_posts)
    table = voice.merge(sentiment.drop(columns=["posts", "neutral"]), on=["lang", "brand"])
    table = table[table["brand"].isin(names)].copy()
    complaints = frame[np.array(["complaint" in i for i in frame["intents"]], dtype=bool)]
    if themes is None:
        specs = [b if isinstance(b, dict) else {"name": b} for b in brands]
        themes = scope_themes(frame, specs, ("complaint",))["complaint"]
    themes = [t for t in themes if not t.other]
    complaint_counts = Counter(
        (lang, b)
        for lang, bs in zip(complaints["lang"], complaints["brands"], strict=True)
        for b in bs
    )
    tops = [
        brand_themes(themes, lang, brand, TOP_THEMES)
        for lang, brand in zip(table["lang"], table["brand"], strict=True)
    ]
    table["complaints"] = [
        complaint_counts[key] for key in zip(table["lang"], table["brand"], strict=True)
    ]
    table["top_themes"] = [[label for label, _ in top] for top in tops]
    table["top_theme_posts"] = [[n for _, n in top] for top in tops]
    table["ours"] = table["brand"].isin(ours)
    table = table.sort_values(
        ["lang", "ours", "mentions", "brand"], ascending=[True, False, False, True]
    )
    return pd.DataFrame(table, columns=BENCHMARK_COLUMNS).reset_index(drop=True)


def opportunities(
    posts: pd.DataFrame,
    brands: Sequence[BrandSpec],
    ours: str,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    min_posts: int = MIN_SIDE,
    sample_above: int = SAMPLE_ABOVE,
) -> list[Opportunity]:
    """Aspects where competitors are praised while we are criticised, per language.

    Our side: posts mentioning `ours` flagged complaint or negative. Their side: posts
    mentioning a competitor but not us, flagged praise or positive and not promo. Each side
    is grouped into themes on its own; one of our themes matches their themes that share
    one of its top MATCH_TERMS terms, if that term is specific (in at most MATCH_MAX_DF of
    both sides' posts: "flight" would match everything). Counts and quotes on each side
    are the matched themes' posts that use a shared term. Kept when both sides have at least
    `min_posts` such posts; the most posts on the smaller side first.
    """
    import numpy as np

    frame = in_period(posts, since, until)
    competitors = [n for n in _names(brands) if n != ours]
    exclude = frozenset(_exclude(brands) | _exclude([ours]))
    rows = list(zip(frame["brands"], frame["intents"], frame["sentiment"], strict=True))
    mine = np.array([ours in b and ("complaint" in i or s == "negative") for b, i, s in rows])
    theirs = np.array(
        [
            ours not in b
            and any(c in b for c in competitors)
            and ("praise" in i or s == "positive")
            and "promo" not in i
            for b, i, s in rows
        ]
    )
    found: list[Opportunity] = []
    for lang in sorted(set(frame["lang"])):
        in_lang = (frame["lang"] == lang).to_numpy()
        side = _Sides(frame[(mine | theirs) & in_lang], exclude, lang)
        mine_here, theirs_here = frame[mine & in_lang], frame[theirs & in_lang]
        our_themes = _real(find_themes(mine_here, exclude=exclude, sample_above=sample_above))
        their_themes = _real(find_themes(theirs_here, exclude=exclude, sample_above=sample_above))
        for theme in our_themes:
            opportunity = side.match(theme, their_themes, ours, set(competitors), min_posts)
            if opportunity is not None:
                found.append(opportunity)
    return sorted(
        found, key=lambda o: (-min(o.our_posts, o.competitor_posts), o.lang, o.our_theme_id)
    )


def _real(themes: list[Theme]) -> list[Theme]:
    return [t for t in themes if not t.other]


class _Sides:
    """Both sides' posts of one language, with their terms keyed as the themes key theirs
    (the language's stemmer), to match themes on."""

    def __init__(self, rows: pd.DataFrame, exclude: frozenset[str], lang: str) -> None:
        from escucha.insights.theme_vectors import term_sets

        self.rows = rows.set_index("id", drop=False)
        terms = term_sets(list(rows["text"]), exclude, lang)
        self.terms = dict(zip(rows["id"], terms, strict=True))
        df = Counter(t for terms in self.terms.values() for t in terms)
        self.specific = {t for t, n in df.items() if n <= MATCH_MAX_DF * len(rows)}

    def match(
        self,
        mine: Theme,
        their_themes: list[Theme],
        ours: str,
        competitors: set[str],
        min_posts: int,
    ) -> Opportunity | None:
        top = [t for t, _ in mine.terms[:MATCH_TERMS] if t in self.specific]
        matched = [t for t in their_themes if set(top) & {x for x, _ in t.terms[:MATCH_TERMS]}]
        shared = [
            t for t in top if any(t in {x for x, _ in m.terms[:MATCH_TERMS]} for m in matched)
        ]
        our_ids = self._using(mine.post_ids, shared)
        their_ids = self._using([i for t in matched for i in t.post_ids], shared)
        if len(our_ids) < min_posts or len(their_ids) < min_posts:
            return None
        brands = Counter(
            b for i in their_ids for b in self.rows.at[i, "brands"] if b in competitors
        )
        return Opportunity(
            lang=mine.lang,
            label=mine.label,
            terms=tuple(self._surface(t, our_ids) for t in shared),
            ours=ours,
            our_posts=len(our_ids),
            competitor_posts=len(their_ids),
            competitors=dict(sorted(brands.items(), key=lambda kv: (-kv[1], kv[0]))),
            our_theme_id=mine.id,
            competitor_theme_ids=tuple(sorted(t.id for t in matched)),
            our_quotes=self._quotes(our_ids, mine.quotes, "complaint"),
            competitor_quotes=self._quotes(their_ids, (), "praise"),
        )

    def _surface(self, term: str, ids: list[int]) -> str:
        """How the posts `ids` most often write a term (its key is a stem: "huelg")."""
        written = Counter(self.terms[i][term] for i in ids if term in self.terms[i])
        return written.most_common(1)[0][0] if written else term

    def _using(self, ids: Sequence[int], shared: list[str]) -> list[int]:
        return sorted(i for i in set(ids) if any(t in self.terms[i] for t in shared))

    def _quotes(
        self, ids: list[int], preferred: tuple[ThemeQuote, ...], intent: str
    ) -> tuple[ThemeQuote, ...]:
        """The theme's own quotes that use a shared term, then the posts most clearly flagged
        `intent`; no near-copies."""
        from escucha.insights.terms import NEAR_COPY, quote_tokens

        first = [q.post_id for q in preferred if q.post_id in set(ids)]
        by_intent = sorted(ids, key=lambda i: (-float(self.rows.at[i, intent]), i))
        chosen: list[ThemeQuote] = []
        seen: list[frozenset[str]] = []
        for i in dict.fromkeys(first + by_intent):
            tokens = quote_tokens(self.rows.at[i, "text"])
            if not tokens or any(len(tokens & o) >= NEAR_COPY * len(tokens | o) for o in seen):
                continue
            seen.append(tokens)
            chosen.append(quote_of(self.rows.loc[i], 0.0))
            if len(chosen) == N_QUOTES:
                break
        return tuple(chosen)


def our_brand(brands: Sequence[dict]) -> str | None:
    """The name of the brand marked as ours, if any."""
    return next((b["name"] for b in brands if b.get("ours")), None)


def our_opportunities(
    posts: pd.DataFrame,
    brands: Sequence[dict],
    min_posts: int = SHOWN_MIN_SIDE,
    sample_above: int = SAMPLE_ABOVE,
) -> list[Opportunity]:
    """The opportunities of our brand with at least `min_posts` posts on each side ([]
    without a brand of ours)."""
    ours = our_brand(brands)
    if ours is None:
        return []
    return opportunities(posts, brands, ours, min_posts=min_posts, sample_above=sample_above)


def with_min_side(found: Sequence[Opportunity], min_posts: int) -> list[Opportunity]:
    """The opportunities with at least `min_posts` posts on each side."""
    return [o for o in found if min(o.our_posts, o.competitor_posts) >= min_posts]


def with_intent_rates(benchmark: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """The benchmark with each row's `complaint_rate` and `wish_rate`: the shares of the
    brand's posts in that language flagged with the intent."""
    from escucha.insights.aggregates import intent_rates

    if benchmark.empty:  # merging empty frames trips on their differing key dtypes
        return benchmark
    rates = intent_rates(posts)[["lang", "brand", "complaint_rate", "wish_rate"]]
    return benchmark.merge(rates, on=["lang", "brand"], how="left")
