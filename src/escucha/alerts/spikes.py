"""The spike rule, stated so anyone can check it by hand.

The last window (24 h by default) is compared with the windows of the same length before it
over the baseline (7 days: 7 windows). It is a spike when

    value > mean + k · max(σ, floor)     and     count ≥ min_count

with mean and σ (population standard deviation) of the baseline windows' values. The floor
(1 post for volume, 1 percentage point for a share) keeps a flat baseline from alerting on a
single extra post; `min_count` keeps tiny numbers quiet.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FLOOR = {"volume": 1.0, "negative_share": 0.01}
MIN_BASELINE_WINDOWS = 2  # a share needs posts in at least this many baseline windows


@dataclass(frozen=True)
class Baseline:
    mean: float
    sd: float
    windows: int


@dataclass(frozen=True)
class Window:
    """What one window holds: posts, and of them negative ones."""

    posts: int = 0
    negative: int = 0

    @property
    def share(self) -> float:
        return self.negative / self.posts if self.posts else math.nan


def windows(
    events: Iterable[tuple[datetime, bool]], end: datetime, size: timedelta, count: int
) -> list[Window]:
    """Posts (time, negative?) binned into `count` windows ending at `end`; [0] is the latest.

    A window holds the times t with start ≤ t < end of that window.
    """
    posts = [0] * count
    negative = [0] * count
    for when, is_negative in events:
        if when >= end:
            continue
        back = (end - when) // size
        if back < count:
            posts[back] += 1
            negative[back] += bool(is_negative)
    return [Window(p, n) for p, n in zip(posts, negative, strict=True)]


def baseline(values: Sequence[float]) -> Baseline:
    return Baseline(statistics.fmean(values), statistics.pstdev(values), len(values))


def check(series: Sequence[Window], metric: str, k: float, min_count: int) -> Baseline | None:
    """The baseline if the latest window (series[0]) is a spike of `metric`, else None."""
    latest, earlier = series[0], series[1:]
    if metric == "volume":
        value, count, values = latest.posts, latest.posts, [w.posts for w in earlier]
    else:
        value, count = latest.share, latest.negative
        values = [w.share for w in earlier if w.posts]
        if len(values) < MIN_BASELINE_WINDOWS or not latest.posts:
            return None
    base = baseline(values)
    if count >= min_count and value > base.mean + k * max(base.sd, FLOOR[metric]):
        return base
    return None


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _span(size: timedelta) -> str:
    hours = size.total_seconds() / 3600
    return f"{hours:g} h" if hours < 48 or hours % 24 else f"{hours / 24:g} days"


def message(
    subject: str,
    noun: str,
    metric: str,
    latest: Window,
    base: Baseline,
    end: datetime,
    size: timedelta,
    span: timedelta,
    k: float,
) -> str:
    """E.g. 'Iberia: 143 mentions in the 24 h to 2017-12-01 10:00 UTC, baseline 40 ± 12
    (7 days), k=3'."""
    when = f"in the {_span(size)} to {end:%Y-%m-%d %H:%M} UTC"
    rule = f"({_span(span)}), k={k:g}"
    if metric == "volume":
        return (
            f"{subject}: {latest.posts:,} {noun} {when}, "
            f"baseline {_number(base.mean)} ± {_number(base.sd)} {rule}"
        )
    return (
        f"{subject}: {latest.share:.0%} negative ({latest.negative:,} of {latest.posts:,} {noun}) "
        f"{when}, baseline {base.mean:.0%} ± {base.sd:.0%} {rule}"
    )
