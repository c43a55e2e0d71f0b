"""Field operators (`name:value`): their names, allowed values and value parsing."""

from __future__ import annotations

import re
from datetime import date

from escucha.core.labels import INTENTS, SENTIMENTS
from escucha.query.ast import ONE_DAY, DateRange, Field
from escucha.query.errors import syntax_error

FIELDS = ("author", "lang", "source", "brand", "sentiment", "intent", "has", "date", "category")
HAS = ("link",)
_CHOICES = {"sentiment": SENTIMENTS, "intent": INTENTS, "has": HAS}
_LANG = re.compile(r"[a-z]{2,8}(-[a-z0-9]{1,8})*")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case A-Z only: what both databases can do identically (no locale involved)."""
    return text.translate(_ASCII_LOWER)


def field_node(name: str, value: str, name_pos: int, pos: int, query: str) -> Field | DateRange:
    """The node for `name:value`, or a QuerySyntaxError pointing at what is wrong."""
    if name not in FIELDS:
        raise syntax_error(
            "query_unknown_field", name_pos, query, name=name, fields=", ".join(FIELDS)
        )
    if "*" in value:
        star = pos + value.index("*")
        raise syntax_error("query_star_in_field", star, query)
    value = value.strip()
    if not value:
        raise syntax_error("query_field_value", pos, query, name=name, example=_EXAMPLES[name])
    if name == "date":
        return date_range(value, pos, query)
    value = ascii_lower(value)
    if name in _CHOICES and value not in _CHOICES[name]:
        raise syntax_error(
            "query_field_choice", pos, query, name=name, choices=", ".join(_CHOICES[name])
        )
    if name == "lang" and not _LANG.fullmatch(value):
        raise syntax_error("query_lang_code", pos, query)
    if name == "author":
        value = value.lstrip("@")
    return Field(name, value)


_EXAMPLES = {
    "author": "author:iberia",
    "lang": "lang:es",
    "source": "source:twitter",
    "brand": 'brand:"Air Europa"',
    "sentiment": "sentiment:negative",
    "intent": "intent:complaint",
    "has": "has:link",
    "date": "date:2017-11-01..2017-11-30",
    "category": "category:pricing",
}


def _day(text: str, pos: int, query: str) -> date:
    try:
        day = date.fromisoformat(text) if _DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is not None and day < date.max:  # the day after it must exist too
        return day
    raise syntax_error("query_bad_date", pos, query, text=text)


def date_range(value: str, pos: int, query: str) -> DateRange:
    """`D`, `D..D`, `D..`, `..D`, `>=D`, `>D`, `<=D`, `<D`: whole UTC days, both ends included."""
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            day = _day(value[len(op) :], pos + len(op), query)
            return {
                ">=": DateRange(day, None),
                ">": DateRange(day + ONE_DAY, None),
                "<=": DateRange(None, day + ONE_DAY),
                "<": DateRange(None, day),
            }[op]
    if ".." not in value:
        day = _day(value, pos, query)
        return DateRange(day, day + ONE_DAY)
    left, right = value.split("..", 1)
    if not left and not right:
        raise syntax_error("query_range_no_date", pos, query)
    start = _day(left, pos, query) if left else None
    last = _day(right, pos + len(left) + 2, query) if right else None
    if start and last and last < start:
        raise syntax_error("query_range_reversed", pos, query)
    return DateRange(start, last + ONE_DAY if last else None)
