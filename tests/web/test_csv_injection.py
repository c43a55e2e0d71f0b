"""CSV exports follow OWASP's CSV-injection advice: a cell some spreadsheet could take for a
formula, at its start or after a separator, behind spaces or invisible characters, in ASCII
or fullwidth, gets a leading apostrophe; every text cell is quoted."""

from __future__ import annotations

import csv
import io

import pytest

from escucha.reads.posts import EXPORT_COLUMNS
from escucha.web.exports import csv_chunks

FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u200b=1+1",
    "\ufeff=1+1",
    "\u200b \ufeff+1",
    "\uff1d1+1",  # ＝
    "\uff0b1",  # ＋
    "\uff0d1",  # －
    "\uff20SUM(A1)",  # ＠
    "hola;=1+1",
    "hola,=1+1",
    "hola; +1",
    "hola|@x",
    "hola\n-1",
]
HARMLESS = ["hola", "1-2 de noviembre", "a - b", "ana@example.org", "\u200bhola", "50% +"]


def _export(texts: list[str]) -> str:
    rows = [
        {c: None for c in EXPORT_COLUMNS} | {"id": i, "text": text, "author": "ana"}
        for i, text in enumerate(texts)
    ]
    return "".join(csv_chunks([rows]))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_anywhere_a_cell_could_start_is_neutralised(text: str) -> None:
    written = _export([text])
    (row,) = list(csv.DictReader(io.StringIO(written, newline="")))
    assert row["text"] == "'" + text
    quoted = '"' + ("'" + text).replace('"', '""') + '"'
    assert quoted in written  # quoted: a reader splitting on ';' keeps it one cell


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text: str) -> None:
    (row,) = list(csv.DictReader(io.StringIO(_export([text]), newline="")))
    assert row["text"] == text
