"""The one period control of the web app: read from the URL (the same names on every page,
insights.periods.PERIOD_KEYS), resolved against the workspace's newest post, kept in every
link and in the navigation, and turned into the explorer's dates for drill-down links."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query as Param

from escucha.i18n import Catalogue
from escucha.insights.compare_text import period_text
from escucha.insights.periods import PERIOD_KEYS, PRESETS, Period, PeriodChoice, Periods
from escucha.web.filters import PostFilter

MAX_VALUE = 40


def period_choice(
    period: Annotated[str, Param(max_length=MAX_VALUE, description="7d, 30d, 90d or custom")] = "",
    date_from: Annotated[str, Param(max_length=MAX_VALUE)] = "",
    date_to: Annotated[str, Param(max_length=MAX_VALUE)] = "",
    compare: Annotated[
        str, Param(max_length=MAX_VALUE, description="previous, custom or FROM:TO")
    ] = "",
    compare_from: Annotated[str, Param(max_length=MAX_VALUE)] = "",
    compare_to: Annotated[str, Param(max_length=MAX_VALUE)] = "",
) -> PeriodChoice:
    """FastAPI dependency: the period of the URL (a UserError, so a 400, when it is wrong)."""
    return PeriodChoice.parse(period, date_from, date_to, compare, compare_from, compare_to)


@dataclass(frozen=True)
class PeriodView:
    """What the control and the page show of a period choice."""

    choice: PeriodChoice
    periods: Periods
    newest: date | None

    @property
    def current(self) -> Period | None:
        return self.periods.current

    @property
    def compared(self) -> Period | None:
        return self.periods.compared

    def query(self, **extra: object) -> str:
        """The choice as a URL query (plus `extra`), to keep in links."""
        values: dict[str, object] = dict(self.choice.params())
        values.update(extra)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    def control(self, t: Catalogue) -> dict:
        """The period control's state for the template macro."""
        choice = self.choice
        custom_compare = isinstance(choice.compare, Period)
        selected = choice.preset or ("custom" if not choice.empty else "")
        return {
            "presets": [("", t["period_all"])]
            + [(p, t[f"period_{p}"]) for p in PRESETS]
            + [("custom", t["period_custom"])],
            "selected": selected,
            "date_from": (self.current.start if self.current else None) or "",
            "date_to": (self.current.end if self.current else None) or "",
            "compare": "custom" if custom_compare else (choice.compare or ""),
            "compares": [
                ("", t["compare_none"]),
                ("previous", t["compare_previous"]),
                ("custom", t["compare_custom"]),
            ],
            "compare_from": self.compared.start if custom_compare and self.compared else "",
            "compare_to": self.compared.end if custom_compare and self.compared else "",
            "shown": period_text(self.current, t),
            "compared": t.text(
                "period_compared",
                start=t.long_day(self.compared.start),
                end=t.long_day(self.compared.end),
            )
            if self.compared
            else None,
            "trending": "/drivers?" + self.query() if self.current else None,
            "note": t.text("period_presets_note", day=t.long_day(self.newest))
            if self.newest
            else None,
        }


def explore_link(flt: PostFilter, period: Period | None, **extra: object) -> str:
    """The explorer showing `flt`'s posts of `period` (its own dates when None)."""
    if period is not None:
        flt = replace(flt, date_from=period.start, date_to=period.end)
    return "/explore?" + flt.params(**extra)


def with_period(flt: PostFilter, period: Period | None) -> PostFilter:
    """The filter kept to the period, unless it names its own days."""
    if period is None or flt.date_from or flt.date_to:
        return flt
    return replace(flt, date_from=period.start, date_to=period.end)


def period_suffix(query_params: object) -> str:
    """The period values of a request's query, as "?..." to append to navigation links."""
    items = getattr(query_params, "items", None)
    if items is None:
        return ""
    kept = {k: v for k, v in items() if k in PERIOD_KEYS and v}
    return "?" + urlencode(kept) if kept else ""
