"""The shape of a survey's responses frame: paradata columns, then one column per answer.

`research/reading.py` builds this frame from the store; the quality flags, the analysis and
the exports read it through these helpers, so they stay pure functions of
(definition, frame).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from escucha.core.text import fold
from escucha.research.definition import Definition, Kind, Question

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PARADATA = (
    "id", "source", "lang", "ua_class", "status", "started_at", "submitted_at",
    "total_seconds", "page_seconds", "contact_id", "fingerprint", "honeypot", "version",
)  # fmt: skip
COMPLETE = "complete"
OPEN_KINDS = frozenset({Kind.TEXT, Kind.LONG_TEXT})
SCALE_KINDS = frozenset({Kind.SINGLE, Kind.RATING, Kind.NPS})
_SPACE = re.compile(r"\s+")


def answer_columns(definition: Definition) -> list[str]:
    """The names answers are stored under, in the form's order: every question but notes,
    a matrix's rows instead of the matrix, and an "Other" choice's text."""
    names: list[str] = []
    for question in definition.questions():
        if question.kind is Kind.NOTE:
            continue
        if question.kind is Kind.MATRIX:
            names += [row.name for row in question.rows]
            continue
        names.append(question.name)
        if question.other:
            names.append(f"{question.name}_other")
    return names


def open_columns(definition: Definition, frame: pd.DataFrame) -> list[str]:
    """The columns of open (free text) answers the frame has: text questions and the text
    of "Other" choices."""
    names = []
    for question in definition.questions():
        if question.kind in OPEN_KINDS:
            names.append(question.name)
        if question.other:
            names.append(f"{question.name}_other")
    return [name for name in names if name in frame.columns]


def matrix_frame(frame: pd.DataFrame, question: Question) -> pd.DataFrame:
    """A matrix's answers, one column per row: from the rows' own columns, or from a
    {row: answer} mapping in the matrix's column."""
    import pandas as pd

    names = [row.name for row in question.rows]
    if all(name in frame.columns for name in names):
        return frame[names]
    cells = frame[question.name] if question.name in frame.columns else [None] * len(frame)
    records = [value if isinstance(value, dict) else {} for value in cells]
    return pd.DataFrame.from_records(records, columns=names, index=frame.index)


def is_answered(value: Any) -> bool:
    """An answer was given: not None/NaN, not blank text, not an empty selection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | dict):
        return bool(value)
    try:
        return value == value  # NaN is not equal to itself
    except (TypeError, ValueError):
        return True


def selected(value: Any) -> list[str]:
    """A multiple choice answer as its choice names (a list, or names joined by spaces)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    return []


def text_key(value: Any) -> str:
    """An answer as comparable text: case, accents and spacing folded; a selection sorted."""
    if not is_answered(value):
        return ""
    if isinstance(value, list | tuple | set):
        return " ".join(sorted(str(v) for v in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACE.sub(" ", fold(str(value))).strip()


def map_unique(values: Any, function: Callable[[Any], Any]) -> np.ndarray:
    """`function` of every value, worked out once per distinct value (answers repeat a
    lot); an object array. Unhashable answers (lists, dicts) are mapped one by one."""
    import numpy as np
    import pandas as pd

    cells = np.asarray(values, dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:  # lists or dicts among the answers
        return np.array([function(v) for v in cells] + [None], dtype=object)[:-1]
    mapped = np.array([function(u) for u in uniques] + [function(None)], dtype=object)
    return mapped[codes]  # code -1 (a missing value) takes the last: function(None)
