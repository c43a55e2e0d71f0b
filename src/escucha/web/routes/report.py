"""The report's downloads: the PDF and its tables (a zip of CSV files, an XLSX workbook), for
the period of the URL (and its comparison), in the UI's language. Every role may download
them; they change nothing. The files are made by the same function as `escucha report
--format` (escucha.report_inputs.report_bytes), from the app's cached posts frame.

Making a file takes tens of seconds on a large workspace, so it is made in the background
and kept in the app's cache (web.cache.VersionedCache, in memory, within the `cache_mb`
limit) for its format, UI language and period at the store's data version: a request before
it is ready gets a small "being prepared" page (202) that asks again (htmx, or a meta
refresh without JavaScript) and starts the download once the file is ready."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from escucha.auth.users import User
from escucha.errors import UserError
from escucha.i18n import catalogue
from escucha.insights.periods import PeriodChoice
from escucha.web.deps import check_csrf, require_user, ui_lang
from escucha.web.periods import period_choice
from escucha.web.render import here, render
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


def _make(data: Insights, fmt: str, ui: str, period: PeriodChoice | None) -> bytes | UserError:
    """The file's bytes, or the error that says why it cannot be made (kept like a file, so
    the waiting page answers with it instead of asking again for ever)."""
    from escucha.report_inputs import report_bytes

    try:
        return report_bytes(data.ctx.workspace, fmt, ui, data.frame(), period)
    except UserError as exc:
        return exc


def _download(
    request: Request, path: str, user: User, data: Insights, ui: str, choice: PeriodChoice
) -> Response:
    from escucha.deliverables import FORMATS

    fmt, name = DOWNLOADS[path]
    period = None if choice.empty and choice.compare is None else choice
    ready, body = data.ready_or_start(
        ("report_file", fmt, ui, period), lambda: _make(data, fmt, ui, period)
    )
    polling = request.headers.get("hx-request") == "true"  # the waiting page asking again
    if ready and isinstance(body, UserError):
        raise body
    if ready and polling:  # the browser fetches the file itself (a download, not a swap)
        return Response(status_code=200, headers={"HX-Redirect": here(request)})
    if ready:
        return Response(
            body,
            media_type=FORMATS[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
    return render(
        request,
        "_preparing.html" if polling else "preparing.html",
        ui=ui,
        user=user,
        title=catalogue(ui)["report_downloads"],
        status_code=202,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/report.pdf")
def report_pdf(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    return _download(request, "/report.pdf", user, data, ui, choice)


@router.get("/report/tables.zip")
def report_csv(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    return _download(request, "/report/tables.zip", user, data, ui, choice)


@router.get("/report/tables.xlsx")
def report_xlsx(
    request: Request, user: CurrentUser, ui: Lang, data: Data, choice: Choice
) -> Response:
    return _download(request, "/report/tables.xlsx", user, data, ui, choice)
