"""The report's files besides its HTML page: the PDF (WeasyPrint) and its tables as CSV (a zip
of one CSV per table) or XLSX (one sheet per table). Every face (CLI, web, Python API) writes
them through `escucha.report_inputs`; the heavy libraries load only when a file is made."""

from __future__ import annotations

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUFFIXES = {"html": ".html", "pdf": ".pdf", "csv": ".zip", "xlsx": ".xlsx"}
