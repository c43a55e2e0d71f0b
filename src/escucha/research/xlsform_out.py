"""Write a `Definition` as an XLSForm workbook that `xlsform_in` reads back unchanged.

Kinds XLSForm has no type for are written the way forms conventionally write them:
rating and NPS as `select_one` with the `likert` appearance (NPS: the points 0 to 10),
a matrix as a `table-list` group of `select_one` rows on one list, long text as `text` with
the `multiline` appearance, a consent as `acknowledge`; skip to end in the `escucha_end_if`
column, an attention check's expected answer in `escucha_attention_answer`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from escucha.errors import UserError
from escucha.research.definition import (
    UNDETERMINED,
    Choice,
    Definition,
    Element,
    Group,
    Kind,
    Language,
    Question,
    Text,
)
from escucha.research.xlsform_in import ATTENTION_COLUMN, END_IF_COLUMN, MATRIX_APPEARANCE

TYPES = {
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal",
    Kind.DATE: "date",
    Kind.TEXT: "text",
    Kind.LONG_TEXT: "text",
    Kind.CONSENT: "acknowledge",
    Kind.NOTE: "note",
    Kind.CALCULATE: "calculate",
}
SURVEY_COLUMNS = (
    "type", "name", "label", "hint", "required", "required_message", "relevant", "constraint",
    "constraint_message", "calculation", "choice_filter", "appearance", "parameters",
    END_IF_COLUMN, ATTENTION_COLUMN,
)  # fmt: skip
TRANSLATED = {"label", "hint", "required_message", "constraint_message"}


def _header(column: str, language: Language) -> str:
    suffix = language.column
    return f"{column}::{suffix}" if suffix else column


def _join(*words: str | None) -> str | None:
    return " ".join(w for w in words if w) or None


class _Writer:
    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.rows: list[dict[str, Any]] = []
        self.lists: dict[str, tuple[Choice, ...]] = {}

    def text(self, row: dict[str, Any], column: str, text: Text) -> None:
        for language in self.definition.languages:
            if language.code in text:
                row[_header(column, language)] = text[language.code]

    def elements(self, children: tuple[Element, ...]) -> None:
        for child in children:
            if isinstance(child, Group):
                row: dict[str, Any] = {"type": "begin_group", "name": child.name}
                self.text(row, "label", child.label)
                row["relevant"] = child.relevant
                row["appearance"] = child.appearance
                self.rows.append(row)
                self.elements(child.children)
                self.rows.append({"type": "end_group"})
            elif child.kind is Kind.MATRIX:
                self.matrix(child)
            else:
                self.rows.append(self.question(child))

    def choice_list(self, question: Question) -> str:
        name = question.list_name or f"{question.name}_choices"
        if self.lists.setdefault(name, question.choices) != question.choices:
            raise UserError(
                f"survey {self.definition.name!r}: questions share the choice list {name!r} "
                "but not its choices"
            )
        return name

    def question(self, q: Question) -> dict[str, Any]:
        row: dict[str, Any] = {"name": q.name}
        appearance = q.appearance
        if q.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.RATING, Kind.NPS):
            how = "select_multiple" if q.kind is Kind.MULTIPLE else "select_one"
            row["type"] = f"{how} {self.choice_list(q)}" + (" or_other" if q.other else "")
            if q.kind in (Kind.RATING, Kind.NPS):
                appearance = _join("likert", appearance)
            row["parameters"] = "randomize=true" if q.randomize else None
            row["choice_filter"] = q.choice_filter
        else:
            row["type"] = TYPES[q.kind]
            if q.kind is Kind.LONG_TEXT:
                appearance = _join("multiline", appearance)
        for column in ("label", "hint", "required_message", "constraint_message"):
            self.text(row, column, getattr(q, column))
        row["required"] = "yes" if q.required else None
        row["relevant"] = q.relevant
        row["constraint"] = q.constraint
        row["calculation"] = q.calculation
        row["appearance"] = appearance
        row[END_IF_COLUMN] = q.end_if
        row[ATTENTION_COLUMN] = q.attention_answer
        return row

    def matrix(self, q: Question) -> None:
        row: dict[str, Any] = {"type": "begin_group", "name": q.name}
        self.text(row, "label", q.label)
        row["relevant"] = q.relevant
        row["appearance"] = _join(MATRIX_APPEARANCE, q.appearance)
        self.rows.append(row)
        list_name = self.choice_list(q)
        for item in q.rows:
            line: dict[str, Any] = {"type": f"select_one {list_name}", "name": item.name}
            self.text(line, "label", item.label)
            line["required"] = "yes" if q.required else None
            self.rows.append(line)
        self.rows.append({"type": "end_group"})


def _columns(rows: list[dict[str, Any]], order: list[str]) -> list[str]:
    used = {k for row in rows for k, v in row.items() if v not in (None, "")}
    ordered = [c for c in order if c in used]
    return ordered + sorted(used - set(ordered))


def _ordered(base: tuple[str, ...], languages: tuple[Language, ...]) -> list[str]:
    out = []
    for column in base:
        if column in TRANSLATED:
            out += [_header(column, lang) for lang in languages]
        else:
            out.append(column)
    return out


def _sheet(book: Any, title: str, rows: list[dict[str, Any]], order: list[str]) -> None:
    sheet = book.create_sheet(title)
    columns = _columns(rows, order)
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])


def write_xlsform(definition: Definition, out: Path) -> Path:
    """Write the definition as an .xlsx XLSForm; the file appears whole or not at all."""
    from openpyxl import Workbook

    writer = _Writer(definition)
    writer.elements(definition.children)
    choice_rows = []
    for list_name, choices in writer.lists.items():
        for choice in choices:
            row: dict[str, Any] = {"list_name": list_name, "name": choice.name}
            writer.text(row, "label", choice.label)
            row.update(choice.columns)
            choice_rows.append(row)
    settings: dict[str, Any] = {
        "form_title": definition.title,
        "form_id": definition.name,
        "version": definition.version,
    }
    default = next((x for x in definition.languages if x.code == definition.default_language), None)
    if default is not None and default.code != UNDETERMINED:
        settings["default_language"] = default.column
    for column in ("asker", "purpose", "use"):  # what the form's first page says
        writer.text(settings, column, getattr(definition, column))
    settings["minutes"] = definition.minutes
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "survey", writer.rows, _ordered(SURVEY_COLUMNS, definition.languages))
    _sheet(
        book, "choices", choice_rows, _ordered(("list_name", "name", "label"), definition.languages)
    )
    _sheet(
        book,
        "settings",
        [settings],
        ["form_title", "form_id", "version", "default_language"]
        + [_header(c, lang) for c in ("asker", "purpose", "use") for lang in definition.languages]
        + ["minutes"],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    book.save(partial)
    partial.replace(out)
    return out
