"""A definition run against a respondent's answers: what is shown, where the survey ends,
whether an answer is acceptable, which choices a filter keeps, labels with answers piped in.

Walks the form in order, as a respondent meets it: a question or group whose display logic
does not hold is not shown and its answer does not count (ODK clears it too); calculations
are worked out when the walk reaches them; once a shown, answered question's `end_if`
holds, nothing after it is shown (skip to end). Expressions are parsed once per definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from escucha.research import expressions
from escucha.research.definition import Choice, Definition, Element, Group, Kind, Question

CHOICE_ANSWERS = {Kind.SINGLE, Kind.RATING, Kind.NPS}
OTHER = "other"  # the answer of an "Other" choice (XLSForm's or_other)


@dataclass
class Walk:
    """Where a respondent's answers lead."""

    shown: list[str] = field(default_factory=list)  # question names, in order
    values: dict[str, Any] = field(default_factory=dict)  # shown answers and calculations
    ended_at: str | None = None  # the question whose end_if ended the survey


class Logic:
    def __init__(self, definition: Definition, today: dt.date | None = None) -> None:
        self.definition = definition
        self.today = today
        self.nodes: dict[tuple[str, str], expressions.Node] = {}
        for element in definition.elements():
            for column in ("relevant", "constraint", "end_if", "calculation", "choice_filter"):
                text = getattr(element, column, None)
                if text:
                    self.nodes[element.name, column] = expressions.parse(text)
        self.questions = {q.name: q for q in definition.questions()}

    def _holds(self, name: str, column: str, values: Mapping[str, Any], **kw: Any) -> bool:
        node = self.nodes.get((name, column))
        return node is None or expressions.holds(node, values, today=self.today, **kw)

    def walk(self, answers: Mapping[str, Any]) -> Walk:
        """The questions shown for these answers, and the values the logic sees."""
        walk = Walk()
        self._walk(self.definition.children, answers, walk)
        return walk

    def _walk(self, children: tuple[Element, ...], answers: Mapping[str, Any], walk: Walk) -> bool:
        """False once the survey has ended."""
        for child in children:
            if not self._holds(child.name, "relevant", walk.values):
                continue
            if isinstance(child, Group):
                if not self._walk(child.children, answers, walk):
                    return False
                continue
            if child.kind is Kind.CALCULATE:
                node = self.nodes[child.name, "calculation"]
                walk.values[child.name] = expressions.evaluate(node, walk.values, today=self.today)
                continue
            walk.shown.append(child.name)
            for row in child.rows:
                if row.name in (answers.get(child.name) or {}):
                    walk.values[row.name] = answers[child.name][row.name]
            if child.name in answers:
                walk.values[child.name] = answers[child.name]
                if child.end_if and self._holds(child.name, "end_if", walk.values):
                    walk.ended_at = child.name
                    return False
        return True

    def choices(self, name: str, values: Mapping[str, Any]) -> tuple[Choice, ...]:
        """The question's choices its choice filter keeps, given the answers so far."""
        question = self.questions[name]
        if (name, "choice_filter") not in self.nodes:
            return question.choices
        return tuple(
            c
            for c in question.choices
            if self._holds(name, "choice_filter", values, choice={"name": c.name, **c.columns})
        )

    def problem(self, name: str, answer: Any, values: Mapping[str, Any]) -> str | None:
        """Why this answer to a shown question is not acceptable, or None."""
        question = self.questions[name]
        if answer is None or answer == "" or answer == [] or answer == {}:
            return "an answer is required" if question.required else None
        shape = _shape_problem(question, answer, {c.name for c in self.choices(name, values)})
        if shape:
            return shape
        if not self._holds(name, "constraint", values, current=answer):
            return "the answer does not meet the question's constraint"
        return None

    def label(self, name: str, language: str, values: Mapping[str, Any]) -> str:
        """The question's label in a language (else the default, else any) with ${name} piped."""
        question = self.questions[name]
        texts = question.label
        text = texts.get(language) or texts.get(self.definition.default_language or "")
        text = text or next(iter(texts.values()), "")
        return expressions.pipe(text, values)


def _shape_problem(question: Question, answer: Any, allowed: set[str]) -> str | None:
    kind = question.kind
    if question.other:
        allowed = allowed | {OTHER}
    if kind in CHOICE_ANSWERS:
        return None if isinstance(answer, str) and answer in allowed else "not one of the choices"
    if kind is Kind.MULTIPLE:
        ok = isinstance(answer, list) and len(set(answer)) == len(answer) and set(answer) <= allowed
        return None if ok else "not a set of the choices"
    if kind is Kind.MATRIX:
        rows = {r.name for r in question.rows}
        ok = isinstance(answer, dict) and set(answer) <= rows and set(answer.values()) <= allowed
        if ok and question.required and set(answer) != rows:
            return "every row needs an answer"
        return None if ok else "not a choice per row"
    if kind is Kind.INTEGER:
        return (
            None
            if isinstance(answer, int) and not isinstance(answer, bool)
            else "not a whole number"
        )
    if kind is Kind.DECIMAL:
        ok = isinstance(answer, int | float) and not isinstance(answer, bool)
        return None if ok else "not a number"
    if kind is Kind.DATE:
        if isinstance(answer, dt.date):
            return None
        try:
            dt.date.fromisoformat(str(answer))
        except ValueError:
            return "not a date (YYYY-MM-DD)"
        return None
    if kind is Kind.CONSENT:
        return None if answer is True else "the agreement must be accepted"
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return None if isinstance(answer, str) else "not text"
    return "this question takes no answer"
