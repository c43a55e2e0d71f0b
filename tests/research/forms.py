"""XLSForms written with openpyxl for the tests: sheets as lists of rows."""

from __future__ import annotations

from pathlib import Path


def xlsform(
    path: Path,
    survey: list[list],
    choices: list[list] | None = None,
    settings: list[list] | None = None,
) -> Path:
    """Write a workbook whose first row of each sheet is its header."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


HEADER = ["type", "name", "label::English (en)", "label::Español (es)", "relevant",
          "constraint", "required", "appearance", "parameters", "calculation",
          "escucha_end_if"]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Español (es)"],
    ["yn", "yes", "Yes", "Sí"],
    ["yn", "no", "No", "No"],
    ["agree", "1", "Disagree", "En desacuerdo"],
    ["agree", "2", "Neutral", "Neutral"],
    ["agree", "3", "Agree", "De acuerdo"],
    *[["nps", str(n), str(n), str(n)] for n in range(11)],
]


def row(kind: str, name: str = "", en: str = "", es: str = "", **columns: str) -> list[str]:
    """A survey row in HEADER's columns; `end_if` is the escucha_end_if column."""
    values = {"type": kind, "name": name, "label::English (en)": en, "label::Español (es)": es}
    values.update({("escucha_end_if" if k == "end_if" else k): v for k, v in columns.items()})
    return [values.get(column, "") for column in HEADER]


def every_kind(path: Path) -> Path:
    """One question of every kind escucha has, in English and Spanish."""
    survey = [
        HEADER,
        row("acknowledge", "consent", "I agree", "Acepto", required="yes"),
        row("select_one yn", "customer", "Customer?", "¿Cliente?", required="yes",
            parameters="randomize=true", end_if="${customer}='no'"),
        row("select_multiple yn or_other", "uses", "Uses", "Usos"),
        row("select_one agree", "satisfied", "Satisfied ${customer}", "Satisfecho",
            appearance="likert"),
        row("select_one nps", "recommend", "Recommend?", "¿Recomendaría?", appearance="likert"),
        row("begin_group", "grid", "Rate", "Valore", relevant="${customer}='yes'",
            appearance="table-list"),
        row("select_one agree", "grid_price", "Price", "Precio"),
        row("select_one agree", "grid_service", "Service", "Servicio"),
        row("end_group"),
        row("begin_group", "about", "About you", "Sobre usted"),
        row("integer", "age", "Age", "Edad", constraint=". >= 0 and . <= 120"),
        row("decimal", "spend", "Spend", "Gasto", relevant="${age} >= 18"),
        row("date", "since", "Since", "Desde", constraint=". <= today()"),
        row("end_group"),
        row("text", "name", "Name", "Nombre"),
        row("text", "story", "Story", "Historia", constraint="string-length(.) <= 2000",
            appearance="multiline"),
        row("calculate", "adult", calculation="if(${age} >= 18, 'yes', 'no')"),
        row("note", "thanks", "Thanks ${name}", "Gracias ${name}"),
    ]  # fmt: skip
    settings = [["form_title", "form_id", "version", "default_language"],
                ["Every kind", "every_kind", "3", "English (en)"]]  # fmt: skip
    return xlsform(path, survey, CHOICES, settings)
