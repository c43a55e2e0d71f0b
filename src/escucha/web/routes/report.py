"""The report's downloads: the PDF and its tables (a zip of CSV files, an XLSX workbook), for
the period of the URL (and its comparison), in the UI's language. Every role may download
them; they change nothing. The files are made by the same function as `escucha report
--format` (escucha.report_inputs.report_bytes), from the app's cached posts frame."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from escucha.auth.users import User
from escucha.insights.periods import PeriodChoice
from escucha.web.deps import check_csrf, require_user, ui_lang
from escucha.web.periods import period_choice
from escucha.web.service import Insights, get_insights

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Lang = Annotated[str, Depends(ui_lang)]
Data = Annotated[Insights, Depends(get_insights)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]

DOWNLOADS = {  # path -> (format, file name)
    "/report.pdf": ("pdf", "report.pdf"),
    "/report/tables.zip": ("csv", "report-tables.zip"),
    "/report/tables.xlsx": ("xlsx", "report-tables.xlsx"),
}


def download_links(query: str) -> list[dict[str, str]]:
    """The download links for a page, keeping its period (`query`: a URL query or "")."""
    suffix = f"?{query}" if query else ""
    keys = {"pdf": "download_pdf", "csv": "download_csv", "xlsx": "download_xlsx"}
    return [
        {"href": path + suffix, "key": keys[fmt], "format": fmt}
        for path, (fmt, _name) in DOWNLOADS.items()
    ]


def _download(path: str, data: Insights, ui: str, choice: PeriodChoice) -> Response:
    from escucha.deliverables import FORMATS
    from escucha.report_inputs import report_bytes

    fmt, name = DOWNLOADS[path]
    period = None if choice.empty and choice.compare is None else choice
    body = report_bytes(data.ctx.workspace, fmt, ui, data.frame(), period)
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/report.pdf")
def report_pdf(_user: CurrentUser, ui: Lang, data: Data, choice: Choice) -> Response:
    return _download("/report.pdf", data, ui, choice)


@router.get("/report/tables.zip")
def report_csv(_user: CurrentUser, ui: Lang, data: Data, choice: Choice) -> Response:
    return _download("/report/tables.zip", data, ui, choice)


@router.get("/report/tables.xlsx")
def report_xlsx(_user: CurrentUser, ui: Lang, data: Data, choice: Choice) -> Response:
    return _download("/report/tables.xlsx", data, ui, choice)
