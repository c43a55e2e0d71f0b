"""A survey's definition: its questions, groups, logic and languages, as plain data.

The definition is what a survey version stores (as JSON, `to_dict` / `from_dict`) and what
XLSForm import and export translate to and from. Every text a respondent reads is a `Text`:
language code -> text, in the survey's languages. `check` verifies the logic: every
expression parses, refers only to names the survey defines, and no display logic or
calculation depends on itself round a circle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Any

from escucha.errors import UserError
from escucha.research import expressions

Text = dict[str, str]  # language code -> text

UNDETERMINED = "und"  # the language of a form written without language columns (BCP 47)


class Kind(StrEnum):
    SINGLE = "single"  # single choice
    MULTIPLE = "multiple"  # multiple choice
    RATING = "rating"  # rating / Likert: ordered, labelled points
    NPS = "nps"  # net promoter score: points 0..10
    MATRIX = "matrix"  # rows sharing one scale
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TEXT = "text"  # short text
    LONG_TEXT = "long_text"
    CONSENT = "consent"  # a required agreement; its text is versioned
    NOTE = "note"  # a statement, no answer
    CALCULATE = "calculate"  # a hidden value computed from earlier answers


CHOICE_KINDS = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.RATING, Kind.NPS, Kind.MATRIX})
NPS_POINTS = tuple(str(n) for n in range(11))


@dataclass(frozen=True)
class Language:
    code: str  # "es", or the name itself when the column gives no code
    name: str = ""  # as the form writes it: "Español"; "" for the undetermined language

    @property
    def column(self) -> str:
        """The XLSForm column suffix: `label::Español (es)`."""
        if self.code == UNDETERMINED:
            return ""
        return f"{self.name} ({self.code})" if self.name and self.name != self.code else self.code


@dataclass(frozen=True)
class Choice:
    name: str
    label: Text
    columns: dict[str, str] = field(default_factory=dict)  # extra columns for choice filters


@dataclass(frozen=True)
class Row:
    """One row of a matrix."""

    name: str
    label: Text


@dataclass(frozen=True)
class Question:
    name: str
    kind: Kind
    label: Text = field(default_factory=dict)
    hint: Text = field(default_factory=dict)
    required: bool = False
    required_message: Text = field(default_factory=dict)
    relevant: str | None = None  # display logic: shown only when this holds
    constraint: str | None = None  # `.` is the answer
    constraint_message: Text = field(default_factory=dict)
    end_if: str | None = None  # skip to end: once answered, the survey ends when this holds
    calculation: str | None = None  # CALCULATE only
    list_name: str | None = None  # the choice list (XLSForm's list_name)
    choices: tuple[Choice, ...] = ()
    other: bool = False  # an "Other" choice with a text box
    randomize: bool = False  # choices in a random order per respondent
    choice_filter: str | None = None
    rows: tuple[Row, ...] = ()  # MATRIX only
    appearance: str | None = None
    attention_answer: str | None = None  # an attention check: the answer a reader gives

    @property
    def consent_version(self) -> str | None:
        """A consent's version: changes whenever its text in any language changes."""
        if self.kind is not Kind.CONSENT:
            return None
        text = "\x1f".join(f"{k}\x1e{v}" for k, v in sorted(self.label.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Group:
    name: str
    label: Text = field(default_factory=dict)
    relevant: str | None = None
    appearance: str | None = None
    children: tuple[Element, ...] = ()


Element = Question | Group


@dataclass(frozen=True)
class Definition:
    name: str  # the form id
    title: str
    languages: tuple[Language, ...]
    children: tuple[Element, ...]
    default_language: str | None = None
    version: str | None = None  # the form's own version string, as written in its settings
    # What the form's first page tells a respondent: who asks, why, how the answers are used
    # and how many minutes it takes (None: estimated from the questions).
    asker: Text = field(default_factory=dict)
    purpose: Text = field(default_factory=dict)
    use: Text = field(default_factory=dict)
    minutes: int | None = None

    def elements(self) -> Iterator[Element]:
        """Every group and question, depth first, in order."""
        yield from _walk(self.children)

    def questions(self) -> Iterator[Question]:
        return (e for e in self.elements() if isinstance(e, Question))

    def question(self, name: str) -> Question:
        for found in self.questions():
            if found.name == name:
                return found
        raise UserError(f"survey {self.name!r} has no question {name!r}")

    def names(self) -> set[str]:
        """Every name an expression may refer to: groups, questions and matrix rows."""
        out = set()
        for element in self.elements():
            out.add(element.name)
            if isinstance(element, Question):
                out.update(r.name for r in element.rows)
                if element.other:
                    out.add(f"{element.name}_other")  # the text of an "Other" answer
        return out

    def to_dict(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Definition:
        return Definition(
            name=data["name"],
            title=data["title"],
            languages=tuple(Language(**lang) for lang in data["languages"]),
            children=tuple(_element(e) for e in data["children"]),
            default_language=data.get("default_language"),
            version=data.get("version"),
            asker=dict(data.get("asker", {})),
            purpose=dict(data.get("purpose", {})),
            use=dict(data.get("use", {})),
            minutes=data.get("minutes"),
        )


def _walk(children: tuple[Element, ...]) -> Iterator[Element]:
    for child in children:
        yield child
        if isinstance(child, Group):
            yield from _walk(child.children)


def _encode(value: Any) -> Any:
    """Dataclasses as dicts without their default-valued fields, enums as their value."""
    if isinstance(value, Question | Group | Definition | Choice | Row | Language):
        out: dict[str, Any] = {}
        if isinstance(value, Group):
            out["group"] = True
        for f in fields(value):
            item = getattr(value, f.name)
            if f.name in ("name", "kind") or item != _default(f):
                out[f.name] = _encode(item)
        return out
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _default(f: Any) -> Any:
    return f.default_factory() if f.default_factory is not MISSING else f.default


def _element(data: Mapping[str, Any]) -> Element:
    if data.get("group"):
        return Group(
            name=data["name"],
            label=dict(data.get("label", {})),
            relevant=data.get("relevant"),
            appearance=data.get("appearance"),
            children=tuple(_element(e) for e in data.get("children", ())),
        )
    values = {k: v for k, v in data.items() if k not in ("choices", "rows", "kind")}
    return Question(
        kind=Kind(data["kind"]),
        choices=tuple(Choice(**c) for c in data.get("choices", ())),
        rows=tuple(Row(**r) for r in data.get("rows", ())),
        **values,
    )


# --- checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with one element's logic."""

    name: str
    reason: str
    missing: str | None = None  # the unknown name it refers to, if that is the problem


def element_expressions(element: Element) -> Iterator[tuple[str, str]]:
    """(column, expression) for every expression an element carries."""
    if isinstance(element, Group):
        if element.relevant:
            yield "relevant", element.relevant
        return
    for column in ("relevant", "constraint", "end_if", "calculation", "choice_filter"):
        text = getattr(element, column)
        if text:
            yield column, text


def element_texts(element: Element) -> Iterator[tuple[str, str]]:
    """(column, text) for every text a respondent reads, where ${name} may be piped in."""
    texts: list[tuple[str, Text]] = [("label", element.label)]
    if isinstance(element, Question):
        texts += [("hint", element.hint), ("constraint_message", element.constraint_message)]
        texts += [("label", c.label) for c in element.choices]
        texts += [("label", r.label) for r in element.rows]
    for column, text in texts:
        for value in text.values():
            yield column, value


def problems_of(element: Element, names: set[str]) -> list[Problem]:
    """An element's broken expressions and references to names the survey does not have."""
    found = []
    for column, text in element_expressions(element):
        try:
            node = expressions.parse(text)
        except expressions.ExpressionError as exc:
            found.append(Problem(element.name, f"{column} {text!r}: {exc}"))
            continue
        for unknown in sorted(expressions.references(node) - names):
            found.append(
                Problem(
                    element.name, f"{column} {text!r} refers to unknown ${{{unknown}}}", unknown
                )
            )
    for column, text in element_texts(element):
        for unknown in sorted(expressions.piped(text) - names):
            found.append(Problem(element.name, f"{column} pipes unknown ${{{unknown}}}", unknown))
    return found


def dependencies(definition: Definition) -> dict[str, set[str]]:
    """name -> the names its display logic or calculation depends on (a group's relevance
    counts for everything inside it)."""
    graph: dict[str, set[str]] = {}

    def visit(children: tuple[Element, ...], parent: str | None) -> None:
        for child in children:
            needs = set() if parent is None else {parent}
            for column, text in element_expressions(child):
                if column in ("relevant", "calculation"):
                    with suppress(expressions.ExpressionError):  # problems_of reports it
                        needs |= expressions.references(expressions.parse(text))
            graph[child.name] = needs
            if isinstance(child, Group):
                visit(child.children, child.name)
            else:
                for row in child.rows:
                    graph[row.name] = {child.name}

    visit(definition.children, None)
    return graph


def check(definition: Definition) -> None:
    """Raise `UserError` naming the first problem: a duplicate name, a broken expression or
    reference, a circle of display logic or calculations, or a badly formed question."""
    seen: set[str] = set()
    for element in definition.elements():
        own = [element.name]
        if isinstance(element, Question):
            own += [r.name for r in element.rows]
            own += [f"{element.name}_other"] if element.other else []
        for name in own:
            if name in seen:
                raise UserError(f"survey {definition.name!r}: the name {name!r} is used twice")
            seen.add(name)
    names = definition.names()
    for element in definition.elements():
        for problem in problems_of(element, names):
            raise UserError(f"survey {definition.name!r}, {problem.name!r}: {problem.reason}")
        if isinstance(element, Question):
            _check_shape(element)
    cycle = expressions.find_cycle(dependencies(definition))
    if cycle:
        raise UserError(
            f"survey {definition.name!r}: display logic goes round a circle: {' -> '.join(cycle)}"
        )


def _check_shape(question: Question) -> None:
    if question.kind in CHOICE_KINDS and not question.choices:
        raise UserError(f"question {question.name!r} ({question.kind}) has no choices")
    if question.kind is Kind.NPS and tuple(c.name for c in question.choices) != NPS_POINTS:
        raise UserError(f"question {question.name!r}: an NPS question has the points 0 to 10")
    if question.kind is Kind.MATRIX and not question.rows:
        raise UserError(f"question {question.name!r}: a matrix needs rows")
    if question.kind is Kind.CALCULATE and not question.calculation:
        raise UserError(f"question {question.name!r}: a calculation needs its expression")
    if question.kind is Kind.CONSENT and not question.required:
        raise UserError(f"question {question.name!r}: a consent question must be required")
