"""A period against another: what changed per brand, with the test behind each change.

Every change carries both sample sizes and the test used, and none is claimed on too few
posts: a share or a rate rests on its denominator (MIN_POSTS), a net sentiment on its
positive + negative posts (insights.too_few), a volume change on the mentions of both
periods together (MIN_COUNT). The tests:

- volume: the exact conditional test of two Poisson counts (the mentions of both periods
  split as a binomial by the periods' lengths), two-sided;
- shares and rates (share of voice, complaint and wish rates, a theme's share): the
  two-proportion z-test with the pooled proportion;
- net sentiment, (pos - neg) / (pos + neg) = 2p - 1: the same z-test on p.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from escucha.insights.aggregates import MIN_POSTS, too_few

if TYPE_CHECKING:
    import pandas as pd

    from escucha.insights.periods import Period

Test = Literal["poisson_exact", "two_proportion_z"]
ALPHA = 0.05
MIN_COUNT = 10  # mentions in both periods together below which a volume change is not tested
MIN_THEME_POSTS = 5  # a theme needs this many posts in the two periods to be compared


@dataclass(frozen=True)
class Change:
    """A value before and after, the difference (after - before), and its test.

    `too_few` is True when a sample is below its minimum: the faces then show the values
    without the difference's verdict. `p_value` is None when no test was run."""

    before: float | None
    after: float | None
    n_before: int
    n_after: int
    test: Test
    p_value: float | None
    too_few: bool

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if isinstance(self.before, float) and math.isnan(self.before):
            return None
        if isinstance(self.after, float) and math.isnan(self.after):
            return None
        return self.after - self.before

    @property
    def significant(self) -> bool:
        return not self.too_few and self.p_value is not None and self.p_value < ALPHA


def _normal_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def proportion_change(
    hits_before: int, n_before: int, hits_after: int, n_after: int, minimum: int = MIN_POSTS
) -> Change:
    """A proportion (hits / n) in two periods, with a pooled two-proportion z-test."""
    before = hits_before / n_before if n_before else None
    after = hits_after / n_after if n_after else None
    small = min(n_before, n_after) < minimum
    p_value = None
    if n_before and n_after:
        pooled = (hits_before + hits_after) / (n_before + n_after)
        spread = math.sqrt(pooled * (1 - pooled) * (1 / n_before + 1 / n_after))
        if spread > 0:
            assert before is not None and after is not None
            p_value = _normal_p((after - before) / spread)
        else:
            p_value = 1.0  # both 0% or both 100%: no difference
    return Change(before, after, n_before, n_after, "two_proportion_z", p_value, small)


def net_change(pos_before: int, neg_before: int, pos_after: int, neg_after: int) -> Change:
    """Net sentiment in two periods; the z-test on the positive share of pos + neg."""
    test = proportion_change(pos_before, pos_before + neg_before, pos_after, pos_after + neg_after)

    def net(p: float | None) -> float | None:
        return None if p is None else 2 * p - 1

    return Change(
        net(test.before),
        net(test.after),
        test.n_before,
        test.n_after,
        "two_proportion_z",
        test.p_value,
        too_few(pos_before, neg_before) or too_few(pos_after, neg_after),
    )


def count_change(before: int, after: int, days_before: int = 1, days_after: int = 1) -> Change:
    """Mentions in two periods of given lengths: the exact conditional Poisson test."""
    from scipy.stats import binomtest

    total = before + after
    p_value = None
    if total:
        share = days_after / (days_before + days_after)
        p_value = float(binomtest(after, total, share).pvalue)
    return Change(
        float(before), float(after), before, after, "poisson_exact", p_value, total < MIN_COUNT
    )


@dataclass(frozen=True)
class BrandChange:
    lang: str
    brand: str
    volume: Change
    share: Change
    net: Change
    complaint: Change
    wish: Change


def compare_counts(
    before: pd.DataFrame,
    after: pd.DataFrame,
    intents_before: pd.DataFrame,
    intents_after: pd.DataFrame,
    periods: tuple[Period, Period] | None = None,
) -> list[BrandChange]:
    """Per language and brand mentioned in either period: volume, share of voice, net
    sentiment, complaint and wish rates, before (`before`, `intents_before`) and after.

    `before`/`after` are mention counts (lang, brand, sentiment, mentions: reads.mentions or
    count_mentions); `intents_*` are counts of mentions flagged complaint and wish (lang,
    brand, mentions, complaint, wish). `periods` (before, after) weighs the volume test by
    their lengths (equal lengths without it)."""
    sums_b = _sums(before, intents_before)
    sums_a = _sums(after, intents_after)
    lang_b = _per_lang(sums_b)
    lang_a = _per_lang(sums_a)
    days = (periods[0].days, periods[1].days) if periods else (1, 1)
    rows = []
    for key in sorted(set(sums_b) | set(sums_a)):
        b = sums_b.get(key, _EMPTY)
        a = sums_a.get(key, _EMPTY)
        lang = key[0]
        rows.append(
            BrandChange(
                lang,
                key[1],
                count_change(b["mentions"], a["mentions"], *days),
                proportion_change(
                    b["mentions"], lang_b.get(lang, 0), a["mentions"], lang_a.get(lang, 0)
                ),
                net_change(b["positive"], b["negative"], a["positive"], a["negative"]),
                proportion_change(b["complaint"], b["mentions"], a["complaint"], a["mentions"]),
                proportion_change(b["wish"], b["mentions"], a["wish"], a["mentions"]),
            )
        )
    return rows


_EMPTY = {"mentions": 0, "positive": 0, "negative": 0, "complaint": 0, "wish": 0}


def _sums(counts: pd.DataFrame, intents: pd.DataFrame) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    for (lang, brand, sentiment), n in (
        counts.groupby(["lang", "brand", "sentiment"])["mentions"].sum().items()
    ):
        row = out.setdefault((lang, brand), dict(_EMPTY))
        row["mentions"] += int(n)
        if sentiment in ("positive", "negative"):
            row[sentiment] += int(n)
    if not intents.empty:
        flagged = intents.groupby(["lang", "brand"])[["complaint", "wish"]].sum()
        for (lang, brand), values in flagged.iterrows():
            row = out.setdefault((lang, brand), dict(_EMPTY))
            row["complaint"] += int(values["complaint"])
            row["wish"] += int(values["wish"])
    return out


def _per_lang(sums: dict[tuple[str, str], dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (lang, _), row in sums.items():
        out[lang] = out.get(lang, 0) + row["mentions"]
    return out


def count_intents(posts: pd.DataFrame) -> pd.DataFrame:
    """Mentions flagged complaint and wish per (lang, brand) of a posts frame, the shape
    reads.mentions.intent_counts reads from the store (without its day)."""
    from escucha.insights.aggregates import mentions

    frame = mentions(posts)
    frame["complaint"] = [int("complaint" in i) for i in frame["intents"]]
    frame["wish"] = [int("wish" in i) for i in frame["intents"]]
    grouped = frame.groupby(["lang", "brand"])
    table = grouped[["complaint", "wish"]].sum()
    table["mentions"] = grouped.size()
    return table.reset_index()[["lang", "brand", "mentions", "complaint", "wish"]]


def compare_posts(
    before: pd.DataFrame, after: pd.DataFrame, periods: tuple[Period, Period] | None = None
) -> list[BrandChange]:
    """compare_counts of two posts frames."""
    from escucha.insights.aggregates import count_mentions

    return compare_counts(
        count_mentions(before),
        count_mentions(after),
        count_intents(before),
        count_intents(after),
        periods,
    )


@dataclass(frozen=True)
class ThemeChange:
    """A theme found over both periods: its posts in each and its share of the intent's
    posts (`share.before`, `share.after`, with the z-test)."""

    intent: str
    label: str
    lang: str
    posts_before: int
    posts_after: int
    share: Change


def theme_changes(
    before: pd.DataFrame,
    after: pd.DataFrame,
    intent: str,
    *,
    lang: str | None = None,
    exclude: tuple[str, ...] | frozenset[str] = (),
    limit: int = 8,
) -> list[ThemeChange]:
    """The themes of `intent` that grew or shrank most between two posts frames.

    The themes are found once over both periods together, so each theme means the same in
    both; a theme's share is its posts over the intent's flagged posts of that period.
    Themes with fewer than MIN_THEME_POSTS posts in the two periods are left out; the rest
    are ordered by the size of the change's z-statistic (significant ones first)."""
    import numpy as np
    import pandas as pd

    from escucha.insights.common import as_list
    from escucha.insights.themes import themes_of

    both = pd.concat([before, after], ignore_index=True)
    if both.empty:
        return []
    after_ids = set(after["id"])
    before_ids = set(before["id"])

    def flagged(frame: pd.DataFrame) -> int:
        keep = np.array([intent in as_list(i) for i in frame["intents"]], dtype=bool)
        if lang is not None:
            keep &= np.asarray(frame["lang"] == lang, dtype=bool)
        return int(keep.sum())

    n_before, n_after = flagged(before), flagged(after)
    found = []
    for theme in themes_of(both, intent, lang=lang, exclude=exclude):
        if theme.other:
            continue
        hits_after = sum(1 for i in theme.post_ids if i in after_ids)
        hits_before = sum(1 for i in theme.post_ids if i in before_ids)
        if hits_after + hits_before < MIN_THEME_POSTS:
            continue
        share = proportion_change(hits_before, n_before, hits_after, n_after)
        found.append(ThemeChange(intent, theme.label, theme.lang, hits_before, hits_after, share))
    found.sort(key=lambda c: (c.share.p_value if c.share.p_value is not None else 1.0, c.label))
    return found[:limit]


@dataclass(frozen=True)
class Comparison:
    """Two periods compared: per brand, and the complaint and wish themes that moved."""

    before: Period
    after: Period
    brands: list[BrandChange]
    themes: dict[str, list[ThemeChange]]  # "complaint" / "wish" -> changes, strongest first


def compare_periods(
    posts: pd.DataFrame,
    before: Period,
    after: Period,
    *,
    exclude: tuple[str, ...] | frozenset[str] = (),
    themes: bool = True,
) -> Comparison:
    """The comparison the report and the web app show, from one posts frame."""
    from escucha.insights.common import normalised
    from escucha.insights.periods import in_period

    frame = normalised(posts)
    earlier, later = in_period(frame, before), in_period(frame, after)
    found = {
        intent: theme_changes(earlier, later, intent, exclude=exclude) if themes else []
        for intent in ("complaint", "wish")
    }
    return Comparison(before, after, compare_posts(earlier, later, (before, after)), found)
