"""Periods: the one date range every face shows (web pages, report, Python API), and the
period it is compared with.

A `PeriodChoice` is what a person asked for, as written in a URL or on the command line
(a preset such as the last 30 days, or a first and last day; a comparison with the previous
period of the same length or with a chosen one). It is parsed once, here, and resolved
against the workspace's newest post into `Period`s: a preset's "last 30 days" ends on the
newest day that has a post, not on today, so a workspace imported last month still shows
its last month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from escucha.errors import UserError
from escucha.i18n import Message

if TYPE_CHECKING:
    import pandas as pd

PRESETS = {"7d": 7, "30d": 30, "90d": 90}
PREVIOUS = "previous"
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9998, 12, 31)
# the names of a period's values in a URL (the explorer's date_from/date_to are the same)
PERIOD_KEYS = ("period", "date_from", "date_to", "compare", "compare_from", "compare_to")


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included (UTC calendar days)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def text(self) -> str:
        """As the command line and the URL write it: 2024-03-01:2024-03-31."""
        return f"{self.start.isoformat()}:{self.end.isoformat()}"

    def day_mask(self, days: pd.Series) -> pd.Series:
        """Which YYYY-MM-DD texts (NULL: no date, never inside) fall in the period."""
        first, last = self.start.isoformat(), self.end.isoformat()
        text = days.astype("string")
        return ((text >= first) & (text <= last)).fillna(False).astype(bool)

    def time_mask(self, created: pd.Series) -> pd.Series:
        """Which aware UTC times (NaT: never inside) fall in the period."""
        import pandas as pd

        low = pd.Timestamp(self.start, tz="UTC")
        high = pd.Timestamp(self.end + timedelta(days=1), tz="UTC")
        return ((created >= low) & (created < high)).fillna(False).astype(bool)


@dataclass(frozen=True)
class Periods:
    """A choice resolved: the period shown (None: every post) and the one it is compared
    with (None: no comparison)."""

    current: Period | None
    compared: Period | None = None


def parse_day(value: str, name: str) -> date:
    """A YYYY-MM-DD day; a UserError naming the value and where it came from otherwise."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(Message("period_bad_day", {"name": name, "value": value[:40]})) from None
    if not FIRST_DAY <= day <= LAST_DAY or len(value.strip()) != 10:
        raise UserError(Message("period_bad_day", {"name": name, "value": value[:40]}))
    return day


def parse_range(text: str, name: str) -> Period:
    """FROM:TO (two YYYY-MM-DD days, the first not after the second)."""
    first, sep, last = text.partition(":")
    if not sep:
        raise UserError(Message("period_bad_range", {"name": name, "value": text[:40]}))
    return _ordered(parse_day(first, name), parse_day(last, name), name)


def _ordered(start: date, end: date, name: str) -> Period:
    if start > end:
        raise UserError(
            Message(
                "period_reversed",
                {"name": name, "start": start.isoformat(), "end": end.isoformat()},
            )
        )
    return Period(start, end)


@dataclass(frozen=True)
class PeriodChoice:
    """What was asked for. `preset` is one of PRESETS or None; `start`/`end` a chosen range
    (either may be open); `compare` is None, PREVIOUS, or a chosen `Period`."""

    preset: str | None = None
    start: date | None = None
    end: date | None = None
    compare: str | Period | None = None

    @classmethod
    def parse(
        cls,
        period: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        compare: str | None = None,
        compare_from: str | date | None = None,
        compare_to: str | date | None = None,
    ) -> PeriodChoice:
        """From a URL's or the command line's values (empty strings count as absent).

        `period` is a preset ("7d", "30d", "90d") or "custom"/"" (use the days); `compare` is
        "", "previous", "custom" (use compare_from/compare_to) or FROM:TO."""
        period = (period or "").strip()
        if period and period not in PRESETS and period not in ("custom", "all"):
            raise UserError(Message("period_bad_preset", {"value": period[:40]}))
        start = _day_or_none(date_from, "date_from")
        end = _day_or_none(date_to, "date_to")
        if start and end:
            _ordered(start, end, "date_from")
        preset = period if period in PRESETS else None
        if preset:
            start = end = None  # a preset wins over days left in the form
        wanted = (compare or "").strip()
        chosen: str | Period | None
        if not wanted:
            chosen = None
        elif wanted == PREVIOUS:
            chosen = PREVIOUS
        elif wanted == "custom":
            first = _day_or_none(compare_from, "compare_from")
            last = _day_or_none(compare_to, "compare_to")
            if first is None or last is None:
                raise UserError(Message("period_compare_needs_days"))
            chosen = _ordered(first, last, "compare_from")
        else:
            chosen = parse_range(wanted, "compare")
        return cls(preset, start, end, chosen)

    @property
    def empty(self) -> bool:
        return self.preset is None and self.start is None and self.end is None

    def resolve(self, newest: date | None, oldest: date | None = None) -> Periods:
        """The periods on a workspace whose posts run from `oldest` to `newest` (None: no
        dated post). A preset ends on `newest`; an open end is `newest` (or `oldest`).
        Comparing with the previous period needs a period: with every post shown there is
        nothing before it, so no comparison is made."""
        current: Period | None
        if self.preset is not None:
            if newest is None:
                current = None
            else:
                days = PRESETS[self.preset]
                current = Period(newest - timedelta(days=days - 1), newest)
        elif self.start is None and self.end is None:
            current = None
        else:
            start = self.start or oldest or self.end
            end = self.end or newest or self.start
            assert start is not None and end is not None
            current = Period(min(start, end), max(start, end))
        if self.compare is None:
            compared = None
        elif isinstance(self.compare, Period):
            compared = self.compare
        else:
            compared = current.previous() if current is not None else None
        return Periods(current, compared)

    def params(self) -> dict[str, str]:
        """The choice as URL values (PERIOD_KEYS), only those set."""
        out: dict[str, str] = {}
        if self.preset:
            out["period"] = self.preset
        if self.start:
            out["date_from"] = self.start.isoformat()
        if self.end:
            out["date_to"] = self.end.isoformat()
        if self.compare == PREVIOUS:
            out["compare"] = PREVIOUS
        elif isinstance(self.compare, Period):
            out["compare"] = self.compare.text()
        return out


def _day_or_none(value: str | date | None, name: str) -> date | None:
    if isinstance(value, date):
        return value
    if value is None or not value.strip():
        return None
    return parse_day(value, name)


def choice_from_cli(start: str | None, end: str | None, compare: str | None) -> PeriodChoice:
    """`--from`, `--to` and `--compare previous|FROM:TO` (errors name the option)."""
    first = parse_day(start, "--from") if start else None
    last = parse_day(end, "--to") if end else None
    if first and last:
        _ordered(first, last, "--from")
    chosen: str | Period | None = None
    if compare:
        chosen = PREVIOUS if compare.strip() == PREVIOUS else parse_range(compare, "--compare")
    return PeriodChoice(None, first, last, chosen)


def frame_days(posts: pd.DataFrame) -> tuple[date | None, date | None]:
    """The first and last UTC day of a posts frame's dates (None, None without dates)."""
    import pandas as pd

    created = pd.to_datetime(posts["created_at"], utc=True, errors="coerce").dropna()
    if created.empty:
        return None, None
    return created.min().date(), created.max().date()


def in_period(posts: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """The posts of a frame dated in `period` (every post when None)."""
    import numpy as np
    import pandas as pd

    if period is None:
        return posts
    created = pd.to_datetime(posts["created_at"], utc=True, errors="coerce")
    return posts[np.asarray(period.time_mask(created), dtype=bool)]


def counts_in(counts: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """The rows of daily mention counts (a `day` column, YYYY-MM-DD) inside `period`."""
    import numpy as np

    if period is None:
        return counts
    return counts[np.asarray(period.day_mask(counts["day"]), dtype=bool)]
