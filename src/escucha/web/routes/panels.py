"""The staff's product test pages: the list, one test (its recruitment log, testers with their
status and participation score, feedback, disclosure watch) and its report. Every role reads
them; changes go through the CLI and the REST API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from escucha.auth.users import User
from escucha.errors import Conflict
from escucha.i18n import catalogue
from escucha.web.deps import Ctx, check_csrf, require_user, ui_lang
from escucha.web.params import Id
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Lang = Annotated[str, Depends(ui_lang)]


@router.get("/panels")
def panels_page(request: Request, ctx: Ctx, user: CurrentUser, ui: Lang) -> Response:
    from escucha.panels.define import list_panels

    return render(
        request,
        "panels.html",
        ui=ui,
        user=user,
        title=catalogue(ui)["nav_panels"],
        active="panels",
        panels=list_panels(ctx.workspace),
    )


@router.get("/panels/{panel_id}")
def panel_page(request: Request, ctx: Ctx, user: CurrentUser, ui: Lang, panel_id: Id) -> Response:
    from escucha.panels.define import get_panel
    from escucha.panels.feedback import feedback_rows
    from escucha.panels.quality import scores
    from escucha.panels.recruit import recorded_draw
    from escucha.panels.testers import list_testers
    from escucha.panels.watch import disclosure_watch

    ws = ctx.workspace
    panel = get_panel(ws, panel_id)
    try:
        draw = recorded_draw(ws, panel_id)
    except Conflict:
        draw = None
    quality = scores(ws, panel_id)
    testers = [t | {"quality": quality.get(t["tester_id"])} for t in list_testers(ws, panel_id)]
    return render(
        request,
        "panel.html",
        ui=ui,
        user=user,
        title=panel["name"],
        active="panels",
        panel=panel,
        draw=draw,
        testers=testers,
        feedback=feedback_rows(ws, panel_id),
        watch=disclosure_watch(ws, panel_id),
    )


@router.get("/panels/{panel_id}/report")
def panel_report(
    ctx: Ctx, user: CurrentUser, ui: Lang, panel_id: Id, lang: Literal["", "es", "en"] = ""
) -> Response:
    """The offline report's page, in the UI's language or `?lang=`."""
    from escucha.panels.page import render_report
    from escucha.panels.results import panel_results

    return HTMLResponse(render_report(panel_results(ctx.workspace, panel_id), lang or ui))
