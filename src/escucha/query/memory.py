"""Evaluate a syntax tree in Python: over a post dict (`Query.matches`), or over a candidate
row whose field values the database already computed (the second stage of `select_posts`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from escucha.core.timeutil import as_utc
from escucha.query.ast import And, DateRange, Leaf, Near, Node, Not, Or, Term
from escucha.query.fields import ascii_lower
from escucha.query.text import FoldedText

LINK = re.compile(r"https?://", re.IGNORECASE | re.ASCII)


def evaluate(node: Node, text: FoldedText, leaf: Callable[[Leaf], bool]) -> bool:
    """Whether `node` holds for a post with `text`; `leaf` answers field operators."""
    match node:
        case Term(words):
            return text.contains(words)
        case And(children):
            return all(evaluate(c, text, leaf) for c in children)
        case Or(children):
            return any(evaluate(c, text, leaf) for c in children)
        case Not(child):
            return not evaluate(child, text, leaf)
        case Near():
            return bool(spans(node, text))
    return leaf(node)


def spans(node: Node, text: FoldedText) -> list[tuple[int, int]]:
    """Word-index spans where a word, phrase, OR of them, or NEAR of them occurs."""
    match node:
        case Term(words):
            return text.spans(words)
        case Or(children):
            return [s for c in children for s in spans(c, text)]
        case Near(left, right, distance):
            found = []
            for a in spans(left, text):
                for b in spans(right, text):
                    gap = b[0] - a[1] if a[1] < b[0] else a[0] - b[1]
                    if 1 <= gap <= distance:
                        found.append((min(a[0], b[0]), max(a[1], b[1])))
            return found
    raise TypeError(f"NEAR cannot use {node!r}")  # the parser never builds this


def _language(value: str | None, wanted: str) -> bool:
    value = ascii_lower(value or "")
    return value == wanted or value.startswith(wanted + "-")


def _utc(value: datetime | str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def leaf_matches(node: Leaf, post: Mapping) -> bool:
    """A field operator over a post dict (see `Query.matches` for the keys)."""
    if isinstance(node, DateRange):
        created = _utc(post.get("created_at"))
        return created is not None and (
            (node.start is None or created >= _midnight(node.start))
            and (node.end is None or created < _midnight(node.end))
        )
    value = node.value
    match node.name:
        case "author":
            return ascii_lower(post.get("author") or "") in (value, "@" + value)
        case "lang":
            return _language(post.get("lang"), value)
        case "source":
            return ascii_lower(post.get("source") or "") == value
        case "brand":
            return any(ascii_lower(b) == value for b in post.get("brands") or ())
        case "sentiment":
            return post.get("sentiment") == value
        case "intent":
            return value in (post.get("intents") or ())
        case "has":
            return LINK.search(post.get("text") or "") is not None
        case "category":
            return any(ascii_lower(c) == value for c in post.get("categories") or ())
    raise ValueError(f"unknown field {node.name!r}")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def matches(root: Node, post: Mapping) -> bool:
    return evaluate(root, FoldedText(post.get("text") or ""), lambda n: leaf_matches(n, post))
