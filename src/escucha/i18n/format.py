"""How values read on a page, in one place for the report and the web app: numbers, shares
and signed scores in a language's conventions (`Locale`), and the language-neutral dates
(ISO days, UTC minutes) and links every page uses."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

MINUS = "−"  # a real minus sign, as the charts write it


@dataclass(frozen=True)
class Locale:
    """How one language writes numbers and names months and days (Sunday first)."""

    decimal: str
    thousands: str
    percent: str  # after the number: "%" or, with a no-break space, " %"
    months: tuple[str, ...]
    short_months: tuple[str, ...]
    days: tuple[str, ...]
    short_days: tuple[str, ...]
    date_time: str  # d3-time-format patterns for the charts' default formats
    date: str
    time: str

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


def _localised(text: str, locale: Locale) -> str:
    """Python's "1,234.5" in the locale's separators."""
    return text.replace(",", "\0").replace(".", locale.decimal).replace("\0", locale.thousands)


def number(value: int | float, locale: Locale) -> str:
    """A count with thousands separators: 1,234 / 1.234."""
    return _localised(f"{int(value):,}", locale)


def decimal(value: float, places: int, locale: Locale) -> str:
    """A measurement with `places` decimals, not grouped: 0.61 / 0,61."""
    return _localised(f"{value:.{places}f}", locale)


def percent(value: float | None, locale: Locale) -> str | None:
    """12%, 3.4%, <0.1%: small shares keep a digit, zero stays zero."""
    if value is None or missing(value):
        return None
    if 0 < value < 0.001:
        return f"<{_localised('0.1', locale)}{locale.percent}"
    digits = 0 if value >= 0.1 or value == 0 else 1
    return _localised(f"{value * 100:.{digits}f}", locale) + locale.percent


def signed(value: float | None, locale: Locale) -> str | None:
    """+0.25 / −0.42 (a real minus sign) / 0.00, or None."""
    if value is None or missing(value):
        return None
    text = f"{value:+.2f}"
    if text in ("+0.00", "-0.00"):
        text = "0.00"
    return _localised(text, locale).replace("-", MINUS)


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
