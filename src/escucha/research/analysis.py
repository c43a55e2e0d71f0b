"""Honest analysis of a community survey (docs/surveys.md, "Analysis"): frequencies,
crosstabs, means, NPS with its parts and open answers read by the posts' models, as pure
functions of (definition, responses frame, weights).

A community survey is a self-selected (opt-in) sample, so no margin of sampling error is
ever given: the result states the sample size, the weighting diagnostics and AAPOR's caveat,
and its intervals are modelled (a Poisson bootstrap over the weighted sample, weights kept
fixed) and labelled so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from escucha.errors import UserError
from escucha.research.columns import (
    COMPLETE,
    OPEN_KINDS,
    is_answered,
    matrix_frame,
    selected,
)
from escucha.research.definition import Definition, Kind, Question
from escucha.research.quality import Exclusion
from escucha.research.strings import say

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from escucha.understand.reader import Reading

DRAWS = 200  # bootstrap draws for the modelled intervals
LEVEL = 0.95
NPS_PROMOTERS = frozenset({"9", "10"})
NPS_DETRACTORS = frozenset(str(n) for n in range(7))
Reader = Callable[[Sequence[str]], Sequence["Reading"]]  # texts -> readings (PostReader.read)


@dataclass
class _Estimates:
    """Ratio estimates sum(w x) / sum(w d), collected to be bootstrapped together."""

    numerators: list[np.ndarray]
    denominators: list[np.ndarray]

    def add(self, numerator: np.ndarray, denominator: np.ndarray) -> int:
        self.numerators.append(numerator)
        self.denominators.append(denominator)
        return len(self.numerators) - 1


def label_of(question: Question, lang: str | None) -> str:
    """A question's label in `lang`, else in the first language it has, else its name."""
    if lang and question.label.get(lang):
        return question.label[lang]
    return next(iter(question.label.values()), question.name)


def choice_label(question: Question, name: str, lang: str | None) -> str:
    for choice in question.choices:
        if choice.name == name:
            if lang and choice.label.get(lang):
                return choice.label[lang]
            return next(iter(choice.label.values()), name)
    return name


def analyze(
    definition: Definition,
    frame: pd.DataFrame,
    exclusion: Exclusion,
    *,
    weights: np.ndarray | None = None,
    diagnostics: dict[str, Any] | None = None,
    reader: Reader | None = None,
    lang: str = "en",
    draws: int = DRAWS,
    seed: int = 0,
) -> dict[str, Any]:
    """The survey's results over the complete responses of `frame` (already selected for
    flags: `exclusion` says what was left out). `weights` align with `frame`'s rows."""
    import numpy as np

    complete = (frame["status"] == COMPLETE).to_numpy() if "status" in frame else None
    rows = frame if complete is None else frame[complete]
    w = np.ones(len(rows)) if weights is None else np.asarray(weights, float)
    if complete is not None and weights is not None:
        w = w[complete]
    shown = definition.default_language or lang
    estimates = _Estimates([], [])
    questions = []
    for question in definition.questions():
        found = _question(question, rows, w, estimates, shown, reader)
        if found is not None:
            questions.append(found)
    intervals = _bootstrap(estimates, w, draws, seed)
    for item in questions:
        _fill_intervals(item, intervals)
    return {
        "survey": definition.name,
        "sample": {
            "kind": "opt-in",
            "responses": len(frame) + exclusion.excluded,
            "analysed": len(rows),
            "weighted": weights is not None,
        },
        "excluded": exclusion.as_dict(),
        "statement": say(lang, "survey_aapor_statement", n=len(rows)),
        "margin_of_error": None,
        "interval": say(lang, "survey_modelled_interval", draws=draws),
        "weighting": diagnostics,
        "questions": questions,
    }


def _question(
    question: Question,
    rows: pd.DataFrame,
    w: np.ndarray,
    estimates: _Estimates,
    lang: str,
    reader: Reader | None,
) -> dict[str, Any] | None:
    base: dict[str, Any] = {
        "name": question.name,
        "kind": str(question.kind),
        "label": label_of(question, lang),
    }
    if question.attention_answer is not None:
        base["attention_check"] = True
    if question.kind is Kind.MATRIX:
        grid = matrix_frame(rows, question)
        parts = []
        for row in question.rows:
            shares = _frequencies(question, grid[row.name], w, estimates, lang)
            answered = sum(1 for v in grid[row.name] if is_answered(v))
            parts.append({"name": row.name, "label": next(iter(row.label.values()), row.name),
                          "answered": answered, "frequencies": shares})  # fmt: skip
        return base | {"rows": parts}
    if question.name not in rows.columns:
        return None
    values = rows[question.name]
    answered = sum(1 for v in values if is_answered(v))
    base["answered"] = answered
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.RATING):
        base["frequencies"] = _frequencies(question, values, w, estimates, lang)
        if question.kind is Kind.RATING:
            base["mean"] = _mean(_points(question, values), w, estimates)
        return base
    if question.kind is Kind.NPS:
        base["frequencies"] = _frequencies(question, values, w, estimates, lang)
        return base | {"nps": _nps(values, w, estimates)}
    if question.kind in (Kind.INTEGER, Kind.DECIMAL):
        import pandas as pd

        return base | {"mean": _mean(pd.to_numeric(values, errors="coerce"), w, estimates)}
    if question.kind in OPEN_KINDS:
        return base | {"open": read_open(values, reader)}
    return None


def _frequencies(
    question: Question, values: pd.Series, w: np.ndarray, estimates: _Estimates, lang: str
) -> list[dict[str, Any]]:
    """Per choice: respondents who chose it, and their weighted share of those who
    answered (for a multiple choice, shares of respondents: they sum to more than 1)."""
    import numpy as np

    chosen = [set(selected(v)) if question.kind is Kind.MULTIPLE else {_name(v)} for v in values]
    answered = np.array([is_answered(v) for v in values], dtype=float)
    total = float((w * answered).sum())
    out = []
    for choice in question.choices:
        has = np.array([choice.name in c for c in chosen], dtype=float) * answered
        share = float((w * has).sum() / total) if total else None
        index = estimates.add(w * has, w * answered)
        out.append({"choice": choice.name, "label": choice_label(question, choice.name, lang),
                    "count": int(has.sum()), "share": share, "_interval": index})  # fmt: skip
    return out


def _name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if not is_answered(value) else str(value)


def _points(question: Question, values: pd.Series) -> pd.Series:
    """A rating's answers as numbers: the choice names when all are numbers, else the
    position of the choice on the scale (1 to k)."""
    import pandas as pd

    names = [c.name for c in question.choices]
    numbers = pd.to_numeric(pd.Series(names), errors="coerce")
    scale = dict(zip(names, numbers if numbers.notna().all() else range(1, len(names) + 1),
                     strict=True))  # fmt: skip
    return pd.Series([scale.get(_name(v)) for v in values], dtype=float, index=values.index)


def _mean(numbers: pd.Series, w: np.ndarray, estimates: _Estimates) -> dict[str, Any]:
    import numpy as np

    x = numbers.to_numpy(dtype=float)
    given = np.isfinite(x)
    total = float(w[given].sum())
    mean = float((w[given] * x[given]).sum() / total) if total else None
    index = estimates.add(np.where(given, w * np.nan_to_num(x), 0.0), w * given)
    return {"n": int(given.sum()), "mean": mean, "_interval": index}


def _nps(values: pd.Series, w: np.ndarray, estimates: _Estimates) -> dict[str, Any]:
    """Promoters (9-10), passives (7-8) and detractors (0-6) as weighted shares of those
    who answered; the score is 100 x (promoters - detractors)."""
    import numpy as np

    names = [_name(v) for v in values]
    answered = np.array([n != "" for n in names], dtype=float)
    promoter = np.array([n in NPS_PROMOTERS for n in names], dtype=float)
    detractor = np.array([n in NPS_DETRACTORS for n in names], dtype=float)
    passive = answered - promoter - detractor
    total = float((w * answered).sum())
    if not total:
        return {"n": 0, "score": None}

    def share(part: np.ndarray) -> float:
        return float((w * part).sum() / total)

    index = estimates.add(100 * w * (promoter - detractor), w * answered)
    return {
        "n": int(answered.sum()),
        "promoters": share(promoter),
        "passives": share(passive),
        "detractors": share(detractor),
        "score": 100 * (share(promoter) - share(detractor)),
        "_interval": index,
    }


def _bootstrap(estimates: _Estimates, w: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Per estimate, the 2.5th and 97.5th percentiles of the ratio over `draws` Poisson
    bootstrap replicates (each respondent counted Poisson(1) times; weights fixed)."""
    import numpy as np

    m = len(estimates.numerators)
    if not m or not len(w) or draws < 1:
        return np.full((m, 2), np.nan)
    numerators = np.column_stack(estimates.numerators)
    denominators = np.column_stack(estimates.denominators)
    rng = np.random.default_rng(seed)
    replicates = []
    for start in range(0, draws, 25):
        counts = rng.poisson(1.0, size=(min(25, draws - start), len(w))).astype(float)
        top, bottom = counts @ numerators, counts @ denominators
        replicates.append(np.divide(top, bottom, out=np.full(top.shape, np.nan), where=bottom > 0))
    table = np.vstack(replicates)
    alpha = (1 - LEVEL) / 2
    with np.errstate(all="ignore"):
        return np.column_stack(
            [np.nanquantile(table, alpha, axis=0), np.nanquantile(table, 1 - alpha, axis=0)]
        )


def _fill_intervals(item: Any, intervals: np.ndarray) -> None:
    """Replace every `_interval` index by its modelled interval, [low, high]."""
    import math

    if isinstance(item, dict):
        index = item.pop("_interval", None)
        if index is not None:
            low, high = (float(v) for v in intervals[index])
            item["modelled_interval"] = None if math.isnan(low) or math.isnan(high) else [low, high]
        for value in item.values():
            _fill_intervals(value, intervals)
    elif isinstance(item, list):
        for value in item:
            _fill_intervals(value, intervals)


def read_open(values: pd.Series, reader: Reader | None) -> dict[str, Any]:
    """Open answers read as posts are: how many are wishes and complaints, and the themes
    of each (the themes engine; few answers fall in its "other" bucket)."""
    texts = [str(v).strip() for v in values if isinstance(v, str) and v.strip()]
    found: dict[str, Any] = {"answers": len(texts)}
    if reader is None or not texts:
        return found
    from escucha.insights.themes import themes_of

    readings = list(reader(texts))
    posts = _as_posts(texts, readings, values)
    for intent, key in (("wish", "wishes"), ("complaint", "complaints")):
        flagged = sum(1 for r in readings if intent in r.intent_labels)
        themes = themes_of(posts, intent)
        found[key] = {
            "count": flagged,
            "themes": [{"label": t.label, "size": t.size, "other": t.other} for t in themes],
        }
    return found


def _as_posts(texts: list[str], readings: list[Reading], values: pd.Series) -> pd.DataFrame:
    """Open answers shaped as the posts frame the themes engine reads."""
    import pandas as pd

    return pd.DataFrame(
        {
            "id": range(1, len(texts) + 1),
            "native_id": [str(i) for i in range(1, len(texts) + 1)],
            "text": texts,
            "lang": [r.lang for r in readings],
            "intents": [list(r.intent_labels) for r in readings],
            "sentiment": [r.sentiment for r in readings],
            "brands": [[] for _ in texts],
            "author": None,
            "url": None,
            "created_at": pd.NaT,
        }
    )


def crosstab(
    definition: Definition,
    frame: pd.DataFrame,
    row: str,
    column: str,
    *,
    weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """Weighted counts of `row`'s choices within each choice of `column` (single choice,
    rating or NPS questions), with each column's shares."""
    import numpy as np

    questions = {name: definition.question(name) for name in (row, column)}
    for name, question in questions.items():
        if question.kind not in (Kind.SINGLE, Kind.RATING, Kind.NPS):
            raise UserError(f"crosstab: {name!r} is a {question.kind} question; crosstabs take "
                            "single choice, rating or NPS questions")  # fmt: skip
    w = np.ones(len(frame)) if weights is None else np.asarray(weights, float)
    a = [_name(v) for v in frame[row]] if row in frame else [""] * len(frame)
    b = [_name(v) for v in frame[column]] if column in frame else [""] * len(frame)
    cells = []
    for col_choice in questions[column].choices:
        inside = np.array([v == col_choice.name for v in b]) & np.array([v != "" for v in a])
        total = float(w[inside].sum())
        for row_choice in questions[row].choices:
            hit = inside & np.array([v == row_choice.name for v in a])
            cells.append({
                row: row_choice.name, column: col_choice.name,
                "count": int(hit.sum()), "weighted": float(w[hit].sum()),
                "column_share": float(w[hit].sum() / total) if total else None,
            })  # fmt: skip
    return {"row": row, "column": column, "cells": cells}
