"""How values read on a page, in one place for the report and the web app: numbers, shares
and signed scores in a language's conventions (`Locale`), and the language-neutral dates
(ISO days, UTC minutes) and links every page uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property, lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

MINUS = "−"  # a real minus sign, as the charts write it


@dataclass(frozen=True)
class Locale:
    """How one language writes numbers and names months and days: Babel's data (CLDR) for
    the language `code`, read when first needed (Babel is imported lazily), and the d3
    patterns of the charts' default date formats."""

    code: str  # a Babel locale: "en", "es"
    date_time: str  # d3-time-format patterns for the charts' default formats
    date: str
    time: str

    @cached_property
    def decimal(self) -> str:
        from babel.numbers import get_decimal_symbol

        return str(get_decimal_symbol(self.code))

    @cached_property
    def thousands(self) -> str:
        from babel.numbers import get_group_symbol

        return str(get_group_symbol(self.code))

    @cached_property
    def percent(self) -> str:
        """What follows a percentage's number: "%" or, with a no-break space, " %"."""
        from babel.numbers import format_percent

        return str(format_percent(0, locale=self.code))[1:]

    def _names(self, kind: str, width: Literal["abbreviated", "wide"]) -> tuple[str, ...]:
        from babel import dates

        if kind == "months":
            months = dates.get_month_names(width, locale=self.code)
            return tuple(str(months[i]) for i in range(1, 13))
        days = dates.get_day_names(width, locale=self.code)  # 0 is Monday
        return tuple(str(days[i]) for i in (6, 0, 1, 2, 3, 4, 5))

    @cached_property
    def months(self) -> tuple[str, ...]:
        return self._names("months", "wide")

    @cached_property
    def short_months(self) -> tuple[str, ...]:
        return self._names("months", "abbreviated")

    @cached_property
    def days(self) -> tuple[str, ...]:
        """Sunday first, as d3 wants them."""
        return self._names("days", "wide")

    @cached_property
    def short_days(self) -> tuple[str, ...]:
        return self._names("days", "abbreviated")

    def d3_format(self) -> dict[str, Any]:
        """The charts' number locale (d3-format)."""
        return {
            "decimal": self.decimal,
            "thousands": self.thousands,
            "grouping": [3],
            "currency": ["", ""],
            "percent": self.percent,
        }

    def d3_time_format(self) -> dict[str, Any]:
        """The charts' date locale (d3-time-format): month and day names on the axes."""
        return {
            "dateTime": self.date_time,
            "date": self.date,
            "time": self.time,
            "periods": ["AM", "PM"],
            "days": list(self.days),
            "shortDays": list(self.short_days),
            "months": list(self.months),
            "shortMonths": list(self.short_months),
        }


def missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value) in ("NaT", "nan", "<NA>")


@cache
def _pattern(pattern: str, code: str) -> tuple[Any, Any]:
    """A Babel number pattern, parsed once, and its locale (parsing is most of the cost)."""
    from babel import Locale as BabelLocale
    from babel.numbers import parse_pattern

    return parse_pattern(pattern), BabelLocale.parse(code)


def _apply(value: float, pattern: str, locale: Locale) -> str:
    return _formatted(value, pattern, locale.code)


@lru_cache(maxsize=16384)
def _formatted(value: float, pattern: str, code: str) -> str:
    """Pages write the same numbers request after request: each is formatted once."""
    parsed, where = _pattern(pattern, code)
    return str(parsed.apply(value, where))


def number(value: int | float, locale: Locale) -> str:
    """A count with thousands separators: 1,234 / 1.234."""
    return _apply(int(value), "#,##0", locale)


def decimal(value: float, places: int, locale: Locale) -> str:
    """A measurement with `places` decimals, not grouped: 0.61 / 0,61."""
    if not math.isfinite(value):
        return f"{value:.{places}f}"  # nan, inf: as Python writes them
    pattern = "0." + "0" * places if places else "0"
    return _apply(round(value, places), pattern, locale)


def percent(value: float | None, locale: Locale) -> str | None:
    """12%, 3.4%, <0.1%: small shares keep a digit, zero stays zero."""
    if value is None or missing(value):
        return None
    if 0 < value < 0.001:
        return f"<{decimal(0.1, 1, locale)}{locale.percent}"
    digits = 0 if value >= 0.1 or value == 0 else 1
    return decimal(value * 100, digits, locale) + locale.percent


def signed(value: float | None, locale: Locale) -> str | None:
    """+0.25 / −0.42 (a real minus sign) / 0.00, or None."""
    if value is None or missing(value):
        return None
    text = decimal(value, 2, locale).replace("-", MINUS)
    if text.lstrip(MINUS) == decimal(0.0, 2, locale):
        return text.lstrip(MINUS)
    return text if text.startswith(MINUS) else "+" + text


def long_day(value: Any, locale: Locale) -> str | None:
    """A day as the language writes it, month by name: Nov 20, 2024 / 20 nov 2024."""
    from babel.dates import format_date

    if value is None or missing(value):
        return None
    return str(format_date(value, "medium", locale=locale.code))


def day(value: Any) -> str | None:
    """A date as ISO: 2024-03-02."""
    return None if missing(value) else value.strftime("%Y-%m-%d")


def when(value: datetime | None) -> str | None:
    """A moment to the minute, in UTC: 2024-03-02 12:00 UTC."""
    return None if value is None or missing(value) else value.strftime("%Y-%m-%d %H:%M UTC")


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None: no javascript:, data:, ..."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None
