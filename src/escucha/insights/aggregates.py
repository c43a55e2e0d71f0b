"""Aggregates over a posts frame (one row per post, `brands` a list) or over mention counts
(escucha.reads.mentions): pure, and sorted explicitly so that the same posts always give the
same rows. Share of voice and net sentiment are computed once, from counts; the posts-frame
functions count the frame's mentions first."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from escucha.insights.common import normalised
from escucha.reads.mentions import REACH_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


VOLUME_COLUMNS = ["lang", "brand", "period", "freq", "mentions"]

TRIM = 0.005  # share of dates dropped at each end of the volume chart's axis
MIN_POSTS = 30  # below this many positive + negative posts a net sentiment is not compared
_Z95 = 1.959964


def mentions(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per (post, brand mentioned), with the post's columns and a `brand` column.

    Posts that mention no brand are left out; a post naming two brands appears twice.
    """
    frame = normalised(posts)
    frame["brand"] = frame["brands"]
    exploded = frame.explode("brand")
    exploded = exploded[exploded["brand"].notna()]
    return exploded.reset_index(drop=True)


def pick_freq(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """Daily bins for a month or less, weekly up to a year, monthly beyond."""
    days = (last - first).days
    return "D" if days <= 31 else "W" if days <= 366 else "M"


def volume_over_time(posts: pd.DataFrame, freq: str = "auto") -> pd.DataFrame:
    """Mentions per language, brand and period: lang, brand, period, freq, mentions.

    `freq` is "D", "W" (weeks start on Monday), "M" or "auto", which picks it per language
    from the span of that language's dates, so languages covering different periods each
    get a sensible bin. Periods without mentions are present with 0, so lines don't skip
    gaps. Posts without a date are left out, and so are the stray dates outside the central
    99% of a language's posts (a misread language or a wrong date would otherwise stretch the
    axis over years and flatten the real curve).
    """
    import pandas as pd

    frame = mentions(posts)
    frame = frame[frame["created_at"].notna()]
    parts = []
    for lang in sorted(frame["lang"].unique()):
        rows = frame[frame["lang"] == lang]
        created = rows["created_at"].dt.tz_convert("UTC").dt.tz_localize(None)
        low = created.quantile(TRIM, interpolation="lower")
        high = created.quantile(1 - TRIM, interpolation="higher")
        central = (created >= low) & (created <= high)
        rows, created = rows[central], created[central]
        parts.append(binned_volume(rows.assign(mentions=1), created, lang, freq))
    if not parts:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def binned_volume(rows: pd.DataFrame, when: pd.Series, lang: str, freq: str) -> pd.DataFrame:
    """Sum `rows["mentions"]` per brand and period of `when` (naive UTC times, aligned with
    `rows`): the VOLUME_COLUMNS rows of one language, every period present, empty ones 0."""
    import pandas as pd

    step = pick_freq(when.min(), when.max()) if freq == "auto" else freq
    periods = when.dt.to_period(step).rename("period")
    summed = rows.groupby([rows["brand"], periods])["mentions"].sum()
    every = pd.period_range(periods.min(), periods.max(), freq=step)
    grid = pd.MultiIndex.from_product(
        [sorted(rows["brand"].unique()), every], names=["brand", "period"]
    )
    part = summed.reindex(grid, fill_value=0).rename("mentions").reset_index()
    part["period"] = part["period"].dt.start_time.dt.tz_localize("UTC")
    part["lang"] = lang
    part["freq"] = step
    return part[VOLUME_COLUMNS]


def _weighted_pick(days: pd.Series, weights: pd.Series, q: float, upper: bool):
    """The day holding the q-quantile mention (numpy's 'lower'/'higher' interpolation)."""
    n = int(weights.sum())
    position = (n - 1) * q
    index = math.ceil(position) if upper else math.floor(position)
    cumulative = weights.cumsum()
    return days[cumulative > index].iloc[0]


def volume_from_counts(counts: pd.DataFrame, freq: str = "auto") -> pd.DataFrame:
    """volume_over_time from daily counts (a `day` column, YYYY-MM-DD): the 0.5% trimmed at
    each end are whole days here, not single posts."""
    import pandas as pd

    dated = counts[counts["day"].notna()].copy()
    dated["day"] = pd.to_datetime(dated["day"])
    parts = []
    for lang in sorted(dated["lang"].unique()):
        rows = dated[dated["lang"] == lang]
        per_day = rows.groupby("day")["mentions"].sum().sort_index()
        days = pd.Series(per_day.index)
        weights = pd.Series(per_day.to_numpy())
        low = _weighted_pick(days, weights, TRIM, upper=False)
        high = _weighted_pick(days, weights, 1 - TRIM, upper=True)
        rows = rows[(rows["day"] >= low) & (rows["day"] <= high)]
        parts.append(binned_volume(rows, rows["day"], lang, freq))
    if not parts:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def count_mentions(posts: pd.DataFrame) -> pd.DataFrame:
    """Brand mentions per (lang, brand, sentiment) of a posts frame, with their reach and
    engagement (REACH_COLUMNS): the counts the metrics are computed from, as
    escucha.reads.mentions.mention_counts reads them from the store (sentiment "" for posts
    not analysed yet)."""
    import pandas as pd

    frame = mentions(posts)
    keys = ["lang", "brand", "sentiment"]
    extra = {}
    for name, column in (("reach", "followers"), ("engagement", "engagement")):
        values = pd.to_numeric(
            frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=float)
        )
        extra[name] = values.fillna(0).astype("int64")
        extra[f"{name}_known"] = values.notna().astype("int64")
    frame = frame.assign(**extra)
    grouped = frame.groupby(keys)
    result = grouped.size().rename("mentions").to_frame()
    for name in REACH_COLUMNS:
        result[name] = grouped[name].sum()
    return result.reset_index()


def _share(table: pd.DataFrame, column: str, by_lang: bool) -> pd.Series:
    """Each row's part of `column`'s total (per language if `by_lang`); NaN for a zero total."""
    import pandas as pd

    if by_lang:
        total = table.groupby("lang")[column].transform("sum")
    else:
        total = pd.Series(table[column].sum(), index=table.index)
    return table[column] / total.where(total > 0)


def share_from_counts(counts: pd.DataFrame, by_lang: bool = True) -> pd.DataFrame:
    """Mentions per brand and their share of all brand mentions (per language if `by_lang`),
    and the same by reach: lang, brand, mentions, share, reach, reach_known, reach_share;
    most mentioned brand first within a language.

    Reach is the sum of the mentioning posts' authors' followers when collected (potential
    audience, not people reached); `reach_known` says how many mentions had a follower count,
    and `reach_share` is NaN for a brand none of whose mentions had one (not 0: unknown)."""
    keys = ["lang", "brand"] if by_lang else ["brand"]
    summed = ["mentions", *(c for c in ("reach", "reach_known") if c in counts)]
    table = counts.groupby(keys)[summed].sum().reset_index()
    table["share"] = _share(table, "mentions", by_lang)
    if "reach" in table:
        reach_share = _share(table, "reach", by_lang).where(table["reach_known"] > 0)
        table = table[[*keys, "mentions", "share", "reach", "reach_known"]].assign(
            reach_share=reach_share
        )
    groups = keys[:-1]
    return table.sort_values(
        [*groups, "mentions", "brand"], ascending=[*(True for _ in groups), False, True]
    ).reset_index(drop=True)


def share_of_voice(posts: pd.DataFrame, by_lang: bool = True) -> pd.DataFrame:
    """share_from_counts of a posts frame."""
    return share_from_counts(count_mentions(posts), by_lang=by_lang)


def net_score(positive: int, negative: int) -> tuple[float, float, float]:
    """(pos - neg) / (pos + neg) with a 95% Wilson interval; NaNs when both are zero.

    The net score is 2p - 1 for p = pos / (pos + neg), so p's interval maps onto it.
    """
    n = positive + negative
    if n == 0:
        return math.nan, math.nan, math.nan
    p = positive / n
    centre = (p + _Z95**2 / (2 * n)) / (1 + _Z95**2 / n)
    half = _Z95 * math.sqrt(p * (1 - p) / n + _Z95**2 / (4 * n * n)) / (1 + _Z95**2 / n)
    return 2 * p - 1, 2 * (centre - half) - 1, 2 * (centre + half) - 1


def too_few(positive: int, negative: int, min_posts: int = MIN_POSTS) -> bool:
    """Whether a net sentiment rests on too few posts to be compared (the overview fades it)."""
    return positive + negative < min_posts


def net_sentiment_from_counts(
    counts: pd.DataFrame, by_lang: bool = True, min_posts: int = MIN_POSTS
) -> pd.DataFrame:
    """Per brand (and language): posts, positive, neutral, negative, net, ci_low, ci_high,
    too_few.

    `too_few` marks brands with fewer than `min_posts` positive + negative posts, the
    number the net score is computed from. Posts not analysed yet count as posts only.
    """
    import pandas as pd

    keys = ["lang", "brand"] if by_lang else ["brand"]
    wide = counts.pivot_table(
        index=keys, columns="sentiment", values="mentions", aggfunc="sum", fill_value=0
    )
    rows = []
    for key, row in wide.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        pos, neu, neg = (int(row.get(s, 0)) for s in ("positive", "neutral", "negative"))
        net, low, high = net_score(pos, neg)
        rows.append(
            (*key, int(row.sum()), pos, neu, neg, net, low, high, too_few(pos, neg, min_posts))
        )
    columns = [*keys, "posts", "positive", "neutral", "negative", "net", "ci_low", "ci_high"]
    result = pd.DataFrame(rows, columns=[*columns, "too_few"])
    return result.astype({"too_few": bool})


def net_sentiment(
    posts: pd.DataFrame, by_lang: bool = True, min_posts: int = MIN_POSTS
) -> pd.DataFrame:
    """net_sentiment_from_counts of a posts frame."""
    return net_sentiment_from_counts(count_mentions(posts), by_lang=by_lang, min_posts=min_posts)


def intent_rates(posts: pd.DataFrame, by_lang: bool = True) -> pd.DataFrame:
    """Per brand: posts and the share flagged with each intent (`complaint_rate`, ...)."""
    from escucha.core.labels import INTENTS

    frame = mentions(posts)
    keys = ["lang", "brand"] if by_lang else ["brand"]
    for intent in INTENTS:
        frame[intent] = [intent in flagged for flagged in frame["intents"]]
    grouped = frame.groupby(keys, sort=True)
    result = grouped.size().rename("posts").to_frame()
    for intent in INTENTS:
        result[f"{intent}_rate"] = grouped[intent].mean()
    return result.reset_index()


AUTHOR_ORDERS = ("posts", "reach", "engagement")


def active_authors(posts: pd.DataFrame, n: int = 15, by: str = "posts") -> pd.DataFrame:
    """The `n` top authors `by` posts, reach or engagement (AUTHOR_ORDERS): author, source,
    posts, negative, negative_share, followers (the most the author had when a post of theirs
    was collected; NaN if never given) and engagement (their posts' summed engagement; NaN if
    never given).

    By reach or engagement, only authors whose source gave that count are ranked. Empty when
    no post has an author (some sources don't give one).
    """
    import pandas as pd

    if by not in AUTHOR_ORDERS:
        raise ValueError(f"authors by {by!r}: choose one of {', '.join(AUTHOR_ORDERS)}")
    frame = normalised(posts)
    columns = ["author", "source", "posts", "negative", "negative_share", "followers", "engagement"]
    if "author" not in frame:
        return pd.DataFrame(columns=columns)
    author = frame["author"].map(lambda a: a.strip() if isinstance(a, str) else "")
    counts = {
        name: pd.to_numeric(
            frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=float)
        )
        for name in ("followers", "engagement")
    }
    frame = frame.assign(author=author, negative=frame["sentiment"] == "negative", **counts)
    frame = frame[frame["author"] != ""]
    grouped = frame.groupby(["author", "source"], sort=True)
    result = grouped.agg(
        posts=("id", "size"),
        negative=("negative", "sum"),
        followers=("followers", "max"),
        engagement=("engagement", lambda v: v.sum(min_count=1)),
    ).reset_index()
    result["negative"] = result["negative"].astype(int)
    result["negative_share"] = result["negative"] / result["posts"]
    if by != "posts":
        key = "followers" if by == "reach" else "engagement"
        result = result[result[key].notna()]
        order = [key, "posts", "author", "source"]
    else:
        order = ["posts", "author", "source"]
    result = result.sort_values(order, ascending=[False] * (len(order) - 2) + [True, True])
    return result.head(n).reset_index(drop=True)[columns]


def coverage(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts per language and source with their first and last date."""
    frame = normalised(posts)
    grouped = frame.groupby(["lang", "source"], sort=True)
    return grouped.agg(
        posts=("id", "size"), first=("created_at", "min"), last=("created_at", "max")
    ).reset_index()


def language_periods(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per language (the index) of a `coverage` table: posts, first and last date."""
    return coverage.groupby("lang").agg(
        posts=("posts", "sum"), first=("first", "min"), last=("last", "max")
    )


def language_order(share: pd.DataFrame, posts: pd.DataFrame, ours: Collection[str]) -> list[str]:
    """The languages with brand mentions in a `share_of_voice` table (not the unknown one):
    where our brands are mentioned most first, then by posts (of a normalised frame)."""
    from escucha.core.labels import UNKNOWN_LANG

    mentioned = [c for c in share["lang"].unique() if c != UNKNOWN_LANG]
    our_mentions = share[share["brand"].isin(ours)].groupby("lang")["mentions"].sum()
    per_lang = posts["lang"].value_counts()
    return sorted(
        mentioned, key=lambda c: (-int(our_mentions.get(c, 0)), -int(per_lang.get(c, 0)), c)
    )


@dataclass(frozen=True)
class PostCounts:
    """How many posts there are, have no date, have an author, are in each language, and
    carry an analyst's labels (which override the model's)."""

    total: int
    undated: int
    with_author: int
    per_language: dict[str, int]
    labelled: int = 0

    def outside(self, languages: Collection[str]) -> int:
        """Posts in none of `languages`."""
        inside = sum(n for lang, n in self.per_language.items() if lang in languages)
        return self.total - inside


def post_counts(posts: pd.DataFrame) -> PostCounts:
    frame = normalised(posts)
    authors = frame.get("author", ())
    return PostCounts(
        total=len(frame),
        undated=int(frame["created_at"].isna().sum()),
        with_author=sum(1 for a in authors if isinstance(a, str) and a.strip()),
        per_language={str(k): int(v) for k, v in frame["lang"].value_counts().items()},
        labelled=sum(1 for who in frame.get("labelled_by", ()) if isinstance(who, str)),
    )
