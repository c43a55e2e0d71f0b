"""The report's tables (escucha.report.tables) as a zip of CSV files or an XLSX workbook.

Text cells come from strangers' posts (theme labels, authors, idea titles), so every text cell
goes through `escucha.core.cells.neutralise`: one a spreadsheet could read as a formula gets a
leading apostrophe. Numbers stay numbers (shares are fractions: 0.25 is 25%).

CSV: one file per table named after its key (`share_of_voice.csv`...), UTF-8 with a byte
order mark (so Excel reads the accents), comma-separated, every text cell quoted; the first
line holds the column headings in the report's language."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from escucha.core.cells import neutralise

if TYPE_CHECKING:
    from escucha.report.tables import Cell, Table

SHEET_TITLE = 31  # characters Excel allows in a sheet's name


def _cell(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralise(c) for c in table.columns])
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # every text cell quoted
    for row in table.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue()


def tables_zip(tables: Sequence[Table]) -> bytes:
    """A zip holding one CSV per table (`<key>.csv`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{table.key}.csv", "\ufeff" + table_csv(table))
    return buffer.getvalue()


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table, titled by its key, headings on the first row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.key[:SHEET_TITLE])
        sheet.append([neutralise(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for cells in sheet.iter_rows(min_row=2):  # text stays text, whatever it starts with
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
