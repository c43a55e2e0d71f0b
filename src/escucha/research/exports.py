"""Responses as files: CSV with a value-labels file, SPSS .sav with variable and value labels
(pyreadstat), Parquet. One row per response, one column per question, or per choice of a
multiple choice question (1 chosen, 0 not, empty when unanswered), or per matrix row.

Exports carry the paradata an analyst weighs and filters by (source, language, device,
status, times, version, flags, weight) but never a contact id or a fingerprint.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from escucha.errors import UserError
from escucha.research.columns import is_answered, map_unique, selected
from escucha.research.definition import Definition, Kind, Question, Text

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "sav", "parquet")
PARADATA = (
    "id", "source", "lang", "ua_class", "status", "started_at", "submitted_at",
    "total_seconds", "version",
)  # fmt: skip
TIMES = ("started_at", "submitted_at")
CHOICE_KINDS = (Kind.SINGLE, Kind.RATING, Kind.NPS)
NUMBER_KINDS = (Kind.INTEGER, Kind.DECIMAL)
_SPSS_BAD = re.compile(r"[^A-Za-z0-9_.@#$]")


@dataclass
class Variable:
    """A column of the export: its label and, for choices, value -> label."""

    name: str
    label: str
    values: dict[str, str] = field(default_factory=dict)
    numeric: bool = False  # 0/1 choice columns, numbers, times


def _text(text: Text, lang: str | None, default: str) -> str:
    if lang and text.get(lang):
        return text[lang]
    return next(iter(text.values()), default)


def wide(definition: Definition, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Variable]]:
    """The responses as one column per answer, with each column's labels (in the
    definition's default language, else its first)."""
    import pandas as pd

    lang = definition.default_language or (
        definition.languages[0].code if definition.languages else None
    )
    columns: dict[str, Any] = {}
    variables: list[Variable] = []
    for name in PARADATA:
        if name in frame.columns:
            columns[name] = frame[name].to_numpy()
            variables.append(
                Variable(name, name, numeric=name in ("id", "total_seconds", "version"))
            )
    if "flags" in frame.columns:
        columns["flags"] = [" ".join(f) for f in frame["flags"]]
        variables.append(Variable("flags", "quality flags"))
    if "weight" in frame.columns:
        columns["weight"] = frame["weight"].to_numpy(dtype=float)
        variables.append(Variable("weight", "weight", numeric=True))

    def choices_of(question: Question) -> dict[str, str]:
        return {c.name: _text(c.label, lang, c.name) for c in question.choices}

    def plain(name: str) -> Any:
        if name not in frame.columns:
            return [None] * len(frame)
        return map_unique(frame[name].to_numpy(dtype=object), _value)

    for question in definition.questions():
        label = _text(question.label, lang, question.name)
        if question.kind is Kind.NOTE:
            continue
        if question.kind is Kind.MATRIX:
            for row in question.rows:
                columns[row.name] = _matrix_row(frame, question.name, row.name)
                variables.append(Variable(row.name, f"{label}: {_text(row.label, lang, row.name)}",
                                          choices_of(question)))  # fmt: skip
            continue
        if question.kind is Kind.MULTIPLE:
            values = frame[question.name] if question.name in frame else [None] * len(frame)
            sets = [set(selected(v)) if is_answered(v) else None for v in values]
            for choice in question.choices:
                name = f"{question.name}_{choice.name}"
                columns[name] = pd.array(
                    [None if s is None else int(choice.name in s) for s in sets], dtype="Int64"
                )
                chosen = {"0": "not chosen", "1": "chosen"}
                variables.append(Variable(name, f"{label}: {_text(choice.label, lang, name)}",
                                          chosen, numeric=True))  # fmt: skip
        elif question.kind in NUMBER_KINDS:
            columns[question.name] = pd.to_numeric(pd.Series(plain(question.name)),
                                                   errors="coerce").to_numpy()  # fmt: skip
            variables.append(Variable(question.name, label, numeric=True))
        else:
            columns[question.name] = plain(question.name)
            values_of = choices_of(question) if question.kind in CHOICE_KINDS else {}
            variables.append(Variable(question.name, label, values_of))
        if question.other:
            name = f"{question.name}_other"
            columns[name] = plain(name)
            variables.append(Variable(name, f"{label}: other"))
    return pd.DataFrame(columns, index=range(len(frame))), variables


def _value(value: Any) -> str | None:
    """An answer as text (numbers are read back as numbers by their columns)."""
    if not is_answered(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _matrix_row(frame: pd.DataFrame, matrix: str, row: str) -> Any:
    if row in frame.columns:
        return map_unique(frame[row].to_numpy(dtype=object), _value)
    cells = frame[matrix] if matrix in frame.columns else [None] * len(frame)
    return [_value(v.get(row)) if isinstance(v, dict) else None for v in cells]


def labels_path(out: Path) -> Path:
    """Where the CSV's value labels go: next to it, its stem + `_labels.csv`."""
    return out.with_name(f"{out.stem}_labels.csv")


def write(definition: Definition, frame: pd.DataFrame, fmt: str, out: Path) -> list[Path]:
    """Write the responses in `fmt` (csv, sav, parquet); return the files written."""
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r}: responses export as {', '.join(FORMATS)}")
    if not out.parent.is_dir():
        raise UserError(f"cannot write {out}: no folder {out.parent}")
    table, variables = wide(definition, frame)
    try:
        if fmt == "csv":
            return _csv(table, variables, out)
        if fmt == "sav":
            return [_sav(table, variables, out)]
        table.to_parquet(out, index=False)
        return [out]
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc}") from exc


def _csv(table: pd.DataFrame, variables: list[Variable], out: Path) -> list[Path]:
    """The data, and a labels file: `variable,value,label` rows, the variable's own label
    on a row with an empty value, then each value's label."""
    table.to_csv(out, index=False)
    labels = labels_path(out)
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["variable", "value", "label"])
        for variable in variables:
            writer.writerow([variable.name, "", variable.label])
            for value, label in variable.values.items():
                writer.writerow([variable.name, value, label])
    return [out, labels]


def spss_names(names: list[str]) -> dict[str, str]:
    """Column -> an SPSS variable name: letters, digits and _.@#$, starting with a letter,
    at most 64 bytes, unique (case-insensitively, as SPSS compares them)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        clean = _SPSS_BAD.sub("_", name)
        if not clean[:1].isalpha():
            clean = f"v{clean}"
        clean = clean[:60]
        candidate, n = clean, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{clean}_{n}"
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def _sav(table: pd.DataFrame, variables: list[Variable], out: Path) -> Path:
    """SPSS .sav: choice answers as numbers (the choice names when all are whole numbers,
    else 1 to k in the list's order) with the choice labels as value labels."""
    import pandas as pd
    import pyreadstat

    names = spss_names(list(table.columns))
    data = table.copy()
    value_labels: dict[str, dict[float, str]] = {}
    for variable in variables:
        column = names[variable.name]
        if variable.values:
            codes = _codes(list(variable.values))
            if not variable.numeric:
                data[variable.name] = pd.to_numeric(data[variable.name].map(codes),
                                                    errors="coerce")  # fmt: skip
            value_labels[column] = {float(codes[v]): lab for v, lab in variable.values.items()}
        elif variable.numeric:
            data[variable.name] = data[variable.name].astype(float)
        elif (
            variable.name not in TIMES
        ):  # text: plain Python strings (pyreadstat reads them cell by cell)
            text = map_unique(data[variable.name].to_numpy(dtype=object), _spss_text)
            data[variable.name] = pd.Series(text, index=data.index, dtype=object)
    for when in TIMES:
        if when in data.columns:
            data[when] = pd.to_datetime(data[when], utc=True).dt.tz_localize(None)
    data.columns = [names[c] for c in data.columns]
    pyreadstat.write_sav(
        data,
        str(out),
        column_labels={names[v.name]: v.label[:255] for v in variables},
        variable_value_labels=value_labels,
    )
    return out


def _spss_text(value: Any) -> str:
    return "" if value is None else str(value)


def _codes(values: list[str]) -> dict[str, int]:
    try:
        numbers = [int(v) for v in values]
    except ValueError:
        return {v: i for i, v in enumerate(values, start=1)}
    return dict(zip(values, numbers, strict=True))
