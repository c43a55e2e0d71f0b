"""How numbers and dates read in the report (one place, shared by tables and charts)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit


def missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return str(value) in ("NaT", "nan", "<NA>")


def number(value: int | float) -> str:
    return f"{int(value):,}"


def percent(value: float | None) -> str | None:
    """12%, 3.4%, <0.1%: small shares keep a digit, zero stays zero."""
    if missing(value):
        return None
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def signed(value: float | None) -> str | None:
    """+0.25 / −0.42 (a real minus sign) / 0.00, or None."""
    if missing(value):
        return None
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text.replace("-", "−")


def day(value: Any) -> str | None:
    return None if missing(value) else value.strftime("%Y-%m-%d")


def when(value: datetime | None) -> str | None:
    """A moment to the minute, in UTC: 2024-03-02 12:00 UTC."""
    return None if missing(value) else value.strftime("%Y-%m-%d %H:%M UTC")


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
