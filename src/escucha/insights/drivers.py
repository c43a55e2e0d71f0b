"""What drove a set of posts (a spike's bin, a period): the terms, hashtags, emoji, authors
and intents over-represented in them against a baseline, with their counts.

Every count is of posts (a post using a term twice counts once). An item is listed when it
is in at least `min_posts` chosen posts and more frequent there than in the baseline; the
order is by the two-proportion z-statistic (insights.compare), so a frequent rise comes
before a rare one. `lift` is how many times as frequent the item is in the chosen posts
(None when the baseline never has it)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from escucha.insights.compare import Change, proportion_change

if TYPE_CHECKING:
    import pandas as pd

MIN_POSTS = 3
LIMIT = 10
KINDS = ("terms", "hashtags", "emoji", "authors", "themes")
_HASHTAG = re.compile(r"(?<![\w&])#(\w{2,})")
# pictographs, symbols and flags (regional indicator pairs); skin tones and joiners are left out
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}|[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2764]"
)


@dataclass(frozen=True)
class Driver:
    item: str
    chosen: int  # chosen posts that have it
    baseline: int  # baseline posts that have it
    lift: float | None
    change: Change  # its share of posts, baseline (before) against chosen (after)


@dataclass(frozen=True)
class Drivers:
    chosen: int  # posts in the chosen set
    baseline: int  # posts in the baseline
    found: dict[str, list[Driver]]  # kind (KINDS) -> its drivers, strongest first

    def to_rows(self) -> list[dict]:
        """One row per driver (the Python API's and the exports' shape)."""
        return [
            {
                "kind": kind,
                "item": d.item,
                "chosen": d.chosen,
                "baseline": d.baseline,
                "chosen_posts": self.chosen,
                "baseline_posts": self.baseline,
                "lift": d.lift,
                "p_value": d.change.p_value,
            }
            for kind in KINDS
            for d in self.found.get(kind, [])
        ]


def _items(posts: pd.DataFrame, kind: str, exclude: frozenset[str]) -> list[set[str]]:
    """Per post, the items of one kind it has."""
    from escucha.insights.common import as_list
    from escucha.insights.terms import fold, post_terms_of

    texts = [t if isinstance(t, str) else "" for t in posts.get("text", [""] * len(posts))]
    if kind == "terms":
        # single words only: a bigram repeats its words' rise and crowds the list
        return [{t for t in post_terms_of(x, exclude) if " " not in t} for x in texts]
    if kind == "hashtags":
        return [{"#" + fold(m) for m in _HASHTAG.findall(x)} - _tags(exclude) for x in texts]
    if kind == "emoji":
        return [set(_EMOJI.findall(x)) for x in texts]
    if kind == "authors":
        authors = posts.get("author", [None] * len(posts))
        return [{"@" + a.strip()} if isinstance(a, str) and a.strip() else set() for a in authors]
    return [set(as_list(i)) for i in posts.get("intents", [None] * len(posts))]


def _tags(exclude: frozenset[str]) -> set[str]:
    return {"#" + w for w in exclude}


def _count(rows: Iterable[set[str]]) -> Counter[str]:
    counter: Counter[str] = Counter()
    for items in rows:
        counter.update(items)
    return counter


def find_drivers(
    chosen: pd.DataFrame,
    baseline: pd.DataFrame,
    *,
    exclude: Iterable[str] = (),
    min_posts: int = MIN_POSTS,
    limit: int = LIMIT,
    kinds: Iterable[str] = KINDS,
) -> Drivers:
    """The items over-represented in `chosen` posts against `baseline` posts (frames with
    text, author and intents columns); `exclude`: folded brand words, never a driver."""
    skip = frozenset(exclude)
    n_chosen, n_base = len(chosen), len(baseline)
    found: dict[str, list[Driver]] = {}
    for kind in kinds:
        inside = _count(_items(chosen, kind, skip))
        outside = _count(_items(baseline, kind, skip)) if n_base else Counter()
        rows = []
        for item, hits in inside.items():
            if hits < min_posts:
                continue
            base = outside.get(item, 0)
            rate_in = hits / n_chosen
            rate_out = base / n_base if n_base else 0.0
            if n_base and rate_in <= rate_out:
                continue
            change = proportion_change(base, n_base, hits, n_chosen, minimum=min_posts)
            lift = rate_in / rate_out if rate_out else None
            rows.append((_strength(change), item, Driver(item, hits, base, lift, change)))
        rows.sort(key=lambda r: (-r[0], -r[2].chosen, r[1]))
        found[kind] = [r[2] for r in rows[:limit]]
    return Drivers(n_chosen, n_base, found)


def _strength(change: Change) -> float:
    """How surely an item rose: -log10 of its p-value (0 without a test)."""
    if change.p_value is None:
        return 0.0
    return -math.log10(max(change.p_value, 1e-300))
