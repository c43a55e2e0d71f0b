"""Parse the date formats social data arrives in; naive times are taken as UTC."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from escucha.core.timeutil import as_utc

_OFFSET_WITH_SPACE = re.compile(r"^(.*\d)\s+([+-]\d{2}):?(\d{2})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_TWITTER = re.compile(r"^\w{3} (\w{3}) (\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) (\d{4})$")


def _twitter(text: str) -> datetime | None:
    """Twitter's v1.1 format, 'Fri Nov 03 12:05:12 +0000 2017', without strptime's cost."""
    match = _TWITTER.match(text)
    if not match or match[1] not in _MONTHS:
        return None
    offset = timedelta(hours=int(match[7]), minutes=int(match[8]))
    local = datetime(
        int(match[9]),
        _MONTHS[match[1]],
        int(match[2]),
        int(match[3]),
        int(match[4]),
        int(match[5]),
        tzinfo=UTC,
    )
    return local - offset if match[6] == "+" else local + offset


def _from_epoch(epoch: float) -> datetime:
    if not math.isfinite(epoch):
        raise ValueError(f"date out of range {epoch!r}")
    number = epoch
    if number > 1e14:  # microseconds
        number /= 1e6
    elif number > 1e11:  # milliseconds
        number /= 1e3
    try:
        return datetime.fromtimestamp(number, UTC)
    except (ValueError, OverflowError, OSError):  # before year 1 or after 9999
        raise ValueError(f"date out of range {epoch!r}") from None


def parse_date(value: object) -> datetime | None:
    """A UTC datetime, None for an empty value; ValueError names what could not be read.

    A date beyond what a datetime holds once in UTC (year 1 with a positive offset, year 9999
    with a negative one, an epoch of 1e300) is a ValueError too, never an OverflowError.
    """
    try:
        return _parse(value)
    except (OverflowError, OSError):
        raise ValueError(f"date out of range {str(value)[:40]!r}") from None


def _parse(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    match = _OFFSET_WITH_SPACE.match(text)
    if match:
        try:
            base = datetime.fromisoformat(match[1])
            return as_utc(datetime.fromisoformat(f"{base.isoformat()}{match[2]}:{match[3]}"))
        except ValueError:
            pass
    twitter = _twitter(text)
    if twitter is not None:
        return twitter
    if re.fullmatch(r"\d{9,16}(\.\d+)?", text):
        return _from_epoch(float(text))
    from dateutil import parser as dateutil_parser

    try:
        return as_utc(dateutil_parser.parse(text))
    except (ValueError, OverflowError, TypeError):
        raise ValueError(f"unreadable date {text[:40]!r}") from None
