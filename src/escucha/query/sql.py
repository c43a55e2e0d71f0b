"""Run a query on the store (SQLite or PostgreSQL) in two stages.

1. SQL selects candidates. Field operators compile to exact conditions that can use the
   store's indexes (`posts.id IN (SELECT post_id FROM brand_mentions ...)`, a range on
   `posts.created_at`, ...). A word or phrase compiles to a few LIKE patterns that every post
   containing it matches: a letter with many accented forms (vowels, y) is `_`, and for n and c
   (which may be ñ, ç) there is one pattern per accented form at up to two positions. Neither
   database can fold accents or find word boundaries the same way in SQL.
2. Python keeps the candidates the query really matches, folding each text and testing words
   on word boundaries with the same code as `Query.matches`; the database returns the value of
   each field operator alongside, so the whole boolean expression is decided exactly once.

A query without words or phrases is decided by SQL alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from escucha.core.text import fold
from escucha.query.ast import And, DateRange, Field, Leaf, Near, Node, Not, Or, Term
from escucha.query.budget import Deadline, time_budget
from escucha.query.memory import evaluate
from escucha.query.text import FoldedText
from escucha.store.schema import LIVE_POSTS, brand_mentions, enrichments, post_labels, posts

if TYPE_CHECKING:
    from sqlalchemy.sql.compiler import SQLCompiler

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class AsciiLower(FunctionElement[str]):
    """lower() of A-Z only, identical on both databases (PostgreSQL's lower() follows a locale)."""

    type = String()
    name = "ascii_lower"
    inherit_cache = True


@compiles(AsciiLower)
def _ascii_lower(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"  # SQLite's lower() is ASCII-only


@compiles(AsciiLower, "postgresql")
def _ascii_lower_pg(element: AsciiLower, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"translate({arg}, '{_UPPER}', '{_UPPER.lower()}')"


def _accented_forms() -> dict[str, str]:
    """ASCII letter -> the Latin-1 letters (and their capitals) that fold to it: 'n' -> 'Ññ'."""
    forms: dict[str, str] = {}
    for char in sorted({c for code in range(0xC0, 0x100) for c in (chr(code), chr(code).upper())}):
        folded = fold(char)
        if len(char) == 1 and len(folded) == 1 and folded.isascii() and folded.isalpha():
            forms[folded] = forms.get(folded, "") + char
    return forms


_FORMS = _accented_forms()
_ANY = {letter for letter, forms in _FORMS.items() if len(forms) > 3}  # the vowels
_MAX_GUARDS = 2
_CHECK_EVERY = 256  # candidate rows between two looks at the time budget


def like_patterns(words: tuple[str, ...]) -> list[str]:
    """LIKE patterns (escape '\\') one of which every text containing `words` matches.

    Empty when the pattern would match nearly anything (e.g. the word "a"): no prefilter then.
    """
    slots: list[str] = []
    guards: list[int] = []
    for k, word in enumerate(words):
        if k:
            slots.append("%")
        for ch in word.removesuffix("*"):
            if not ch.isascii() or ch in _ANY or (ch in _FORMS and len(guards) == _MAX_GUARDS):
                slots.append("_")
            elif ch in _FORMS:
                guards.append(len(slots))
                slots.append(ch)
            else:
                slots.append("\\" + ch if ch in "%_\\" else ch)
    if all(s in ("_", "%") for s in slots):
        return []
    patterns = [_contains(slots)]
    for g in guards:
        for form in _FORMS[slots[g]]:
            alt = ["_" if i in guards else s for i, s in enumerate(slots)]
            alt[g] = form
            patterns.append(_contains(alt))
    return patterns


def _contains(slots: list[str]) -> str:
    """'%...%' without `_` at either end: a wider pattern, but one LIKE scans much faster when
    it starts with a literal character."""
    start, end = 0, len(slots)
    while slots[start] == "_":
        start += 1
    while slots[end - 1] == "_":
        end -= 1
    return "%" + "".join(slots[start:end]) + "%"


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class _Compiler:
    """Compiles a tree to (condition, exact): exact, or a superset of the matching posts."""

    def __init__(self, dialect: str, model_version: str) -> None:
        self.postgres = dialect == "postgresql"
        self.model_version = model_version

    def like(self, pattern: str) -> ColumnElement[bool]:
        column = posts.c.text  # SQLite's LIKE ignores ASCII case; PostgreSQL needs ILIKE
        return column.ilike(pattern, escape="\\") if self.postgres else column.like(pattern, "\\")

    def prefilter(self, node: Node) -> tuple[ColumnElement[bool], bool]:
        match node:
            case Term(words):
                patterns = like_patterns(words)
                return or_(*(self.like(p) for p in patterns)) if patterns else true(), False
            case And(children) | Or(children):
                parts = [self.prefilter(c) for c in children]
                join = and_ if isinstance(node, And) else or_
                return join(*(c for c, _ in parts)), all(e for _, e in parts)
            case Near(left, right, _):
                return and_(self.prefilter(left)[0], self.prefilter(right)[0]), False
            case Not(child):
                clause, exact = self.prefilter(child)
                return (~clause, True) if exact else (true(), False)
        return self.leaf(node), True

    def enriched(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """Posts whose enrichment by the model version meets `condition`."""
        return posts.c.id.in_(
            select(enrichments.c.post_id).where(
                enrichments.c.model_version == self.model_version, condition
            )
        )

    def labelled(
        self, own: ColumnElement, by_analyst: ColumnElement[bool], by_model: ColumnElement[bool]
    ) -> ColumnElement[bool]:
        """An analyst's label where one is set (`own` not NULL), else the model's: the
        corrections override the model in queries as in every read."""
        set_by_analyst = select(post_labels.c.post_id).where(own.is_not(None))
        return or_(
            posts.c.id.in_(select(post_labels.c.post_id).where(by_analyst)),
            and_(posts.c.id.not_in(set_by_analyst), self.enriched(by_model)),
        )

    def leaf(self, node: Leaf) -> ColumnElement[bool]:
        """The exact condition of a field operator; never NULL, so NOT works as in Python."""
        if isinstance(node, DateRange):
            created = posts.c.created_at
            bounds: list[ColumnElement[bool]] = [created.isnot(None)]
            if node.start:
                bounds.append(created >= _midnight(node.start))
            if node.end:
                bounds.append(created < _midnight(node.end))
            return and_(*bounds)
        return self.field(node)

    def field(self, node: Field) -> ColumnElement[bool]:
        value = node.value
        match node.name:
            case "author":
                handle = posts.c.author_handle
                return and_(handle.isnot(None), AsciiLower(handle).in_([value, "@" + value]))
            case "source":
                return AsciiLower(posts.c.source) == value
            case "brand":
                mentions = select(brand_mentions.c.post_id)
                return posts.c.id.in_(mentions.where(AsciiLower(brand_mentions.c.brand) == value))
            case "sentiment":
                return self.labelled(
                    post_labels.c.sentiment,
                    post_labels.c.sentiment == value,
                    enrichments.c.sentiment == value,
                )
            case "intent":
                pattern = f'%"{value}"%'
                return self.labelled(
                    post_labels.c.intents,
                    cast(post_labels.c.intents, Text).like(pattern),
                    cast(enrichments.c.intents, Text).like(pattern),
                )
            case "has":
                return or_(self.like("%http://%"), self.like("%https://%"))
            case "lang":
                return self.language(value)
        raise ValueError(f"unknown field {node.name!r}")

    def language(self, value: str) -> ColumnElement[bool]:
        """The model's language for the post, or the source's if the model has not read it."""

        def same(column: ColumnElement[Any]) -> ColumnElement[bool]:
            lowered = AsciiLower(column)
            return or_(lowered == value, lowered.like(value + "-%"))

        unread = ~exists().where(
            enrichments.c.post_id == posts.c.id,
            enrichments.c.model_version == self.model_version,
        )
        hint = and_(posts.c.lang_hint.isnot(None), same(posts.c.lang_hint), unread)
        return or_(self.enriched(same(enrichments.c.lang)), hint)


def _leaves(node: Node) -> Iterator[Leaf]:
    match node:
        case Term():
            return
        case And(children) | Or(children):
            for child in children:
                yield from _leaves(child)
        case Not(child):
            yield from _leaves(child)
        case Near(left, right, _):
            yield from _leaves(left)
            yield from _leaves(right)
        case _:
            yield node


def select_posts(
    conn: Connection,
    root: Node,
    model_version: str,
    limit: int | None = None,
    budget: float | None = None,
) -> list[int]:
    """Ids of the posts matching `root`, by id; field operators on intents, sentiment and
    language read the enrichments of `model_version`. Past `budget` seconds (None: no
    limit) the work stops with QueryTooSlow."""
    with time_budget(conn, budget) as deadline:
        return _select(conn, root, model_version, limit, deadline)


def _select(
    conn: Connection, root: Node, model_version: str, limit: int | None, deadline: Deadline | None
) -> list[int]:
    compiler = _Compiler(conn.dialect.name, model_version)
    where, exact = compiler.prefilter(root)
    where = and_(LIVE_POSTS, where)
    if exact:
        stmt = select(posts.c.id).where(where).order_by(posts.c.id).limit(limit)
        return list(conn.scalars(stmt))
    leaves = list(dict.fromkeys(_leaves(root)))
    values = [case((compiler.leaf(leaf), 1), else_=0) for leaf in leaves]
    stmt = select(posts.c.id, posts.c.text, *values).where(where).order_by(posts.c.id)
    found: list[int] = []
    with conn.execute(stmt.execution_options(yield_per=2000)) as rows:
        for n, row in enumerate(rows):
            if deadline is not None and n % _CHECK_EVERY == 0:
                deadline.check()
            known = dict(zip(leaves, row[2:], strict=True))
            if evaluate(root, FoldedText(row[1]), partial(_is_one, known)):
                found.append(row[0])
                if limit is not None and len(found) >= limit:
                    break
    return found


def _is_one(known: Mapping[Leaf, int], leaf: Leaf) -> bool:
    """A field operator's answer, as the SQL query computed it for the row."""
    return known[leaf] == 1
