"""The query's syntax tree, and its normalised text (what `explain` prints)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Term:
    """A word (one item) or a quoted phrase: folded words; a word may end with '*'."""

    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """`name:value` for author, lang, source, brand, sentiment, intent, has and category; value
    normalised."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class DateRange:
    """`date:`: UTC days from `start` (inclusive) to `end` (exclusive); None is open."""

    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides within `distance` words of each other, in either order."""

    left: Node
    right: Node
    distance: int


Node = Term | Field | DateRange | Not | And | Or | Near
Leaf = Field | DateRange

_NEEDS_QUOTES = re.compile(r'[\s()"]|^-|^[A-Za-z]+:|^$')


def _quoted(text: str) -> str:
    return f'"{text}"' if _NEEDS_QUOTES.search(text) else text


def _day(d: date) -> str:
    return d.isoformat()


def _date_text(node: DateRange) -> str:
    start, end = node.start, node.end
    if start and end and end - start == ONE_DAY:
        return f"date:{_day(start)}"
    left = _day(start) if start else ""
    right = _day(end - ONE_DAY) if end else ""
    return f"date:{left}..{right}"


def to_text(node: Node, nested: bool = False) -> str:
    """Explicit operators, every group in parentheses, folded words: parses to the same tree."""
    match node:
        case Term(words):
            return _quoted(words[0]) if len(words) == 1 else '"' + " ".join(words) + '"'
        case Field(name, value):
            return f"{name}:{_quoted(value)}"
        case DateRange():
            return _date_text(node)
        case Not(child):
            return "NOT " + to_text(child, True)
        case Near(left, right, distance):
            text = f"{to_text(left, True)} NEAR/{distance} {to_text(right, True)}"
        case And(children):
            text = " AND ".join(to_text(c, True) for c in children)
        case Or(children):
            text = " OR ".join(to_text(c, True) for c in children)
    return f"({text})" if nested else text
