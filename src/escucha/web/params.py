"""Types of the values requests carry, validated before any handler runs: a stored row's id
(a 64-bit signed integer, what both databases store), a day (YYYY-MM-DD, nothing else) and
a moment (an ISO 8601 date and time, nothing else)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

import annotated_types as at
from pydantic import BeforeValidator

MAX_ID = 2**63 - 1  # larger ids cannot be stored: a 422, never an overflow in the database
Id = Annotated[int, at.Ge(1), at.Le(MAX_ID)]

_DAY = re.compile(r"[1-9]\d{3}-\d{2}-\d{2}")
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9998, 12, 31)


def _day(value: object) -> object:
    """Only a written day: not a number of seconds (0 would be 1970-01-01), not a year 0."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("expected a day as YYYY-MM-DD, between 1000-01-01 and 9998-12-31")
    return value


Day = Annotated[date, BeforeValidator(_day), at.Ge(FIRST_DAY), at.Le(LAST_DAY)]


def _moment(value: object) -> object:
    """Only a written date and time: a number (seconds since 1970) is refused."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DAY.match(value) or value[:4] == "9999":
        raise ValueError("expected a date and time as YYYY-MM-DDTHH:MM:SS, years 1000 to 9998")
    return value


Moment = Annotated[datetime, BeforeValidator(_moment)]
