"""The idea backlog: the list with filters, one idea with its posts and askers, and (for
analysts and admins) changing its status, merging it into another idea and back."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.errors import UserError
from escucha.i18n import catalogue
from escucha.ideas import STATUSES
from escucha.insights.periods import PeriodChoice
from escucha.web import backlog
from escucha.web.deps import Ctx, check_csrf, require_changer, require_user, ui_lang
from escucha.web.params import MAX_ID, Id
from escucha.web.periods import period_choice
from escucha.web.render import render
from escucha.web.service import Insights, get_insights

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Changer = Annotated[User, Depends(require_changer)]
Lang = Annotated[str, Depends(ui_lang)]
Data = Annotated[Insights, Depends(get_insights)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]
Status = Literal["open", "planned", "started", "testing", "completed", "declined", "duplicate"]
Settable = Literal["open", "planned", "started", "testing", "completed", "declined"]
PAGE = 100


@router.get("/ideas")
def ideas_page(
    request: Request,
    ctx: Ctx,
    user: CurrentUser,
    ui: Lang,
    data: Data,
    choice: Choice,
    status: Annotated[Status | Literal[""] | None, Query()] = None,
    lang: Annotated[str | None, Query(max_length=16)] = None,
    start: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """The backlog; with a period (the shared control), each idea's posts and askers in it."""
    from escucha.ideas import idea_languages, list_ideas

    t = catalogue(ui)
    pv = data.period(choice)
    ideas = list_ideas(ctx.workspace, status=status or None, lang=lang or None, period=pv.current)
    keep = choice.params()
    shown = ideas[start : start + PAGE]
    return render(
        request,
        "ideas.html",
        ui=ui,
        user=user,
        title=t["title_ideas"],
        active="ideas",
        statuses=STATUSES,
        langs=idea_languages(ctx.workspace),
        status=status or "",
        lang=lang or "",
        rows=[backlog.idea_row(i, ui) for i in shown],
        shown=t["ideas_shown"].format(first=start + 1, last=start + len(shown), total=len(ideas))
        if shown
        else None,
        period=pv.control(t),
        previous=_page_url(status, lang, max(0, start - PAGE), keep) if start else None,
        next=_page_url(status, lang, start + PAGE, keep) if start + PAGE < len(ideas) else None,
        intro=t["ideas_intro"].format(
            periods=len(ideas[0]["trend"]) if ideas else 0,
            days=ideas[0]["trend_days"] if ideas else 0,
        ),
    )


def _page_url(status: str | None, lang: str | None, start: int, keep: dict | None = None) -> str:
    params = {"status": status or "", "lang": lang or "", "start": start, **(keep or {})}
    return "/ideas?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _idea_page(
    request: Request,
    ctx: Ctx,
    user: User,
    ui: str,
    idea_id: Id,
    error: UserError | None = None,
) -> Response:
    from escucha.ideas import show_idea

    t = catalogue(ui)
    idea = show_idea(ctx.workspace, idea_id)
    return render(
        request,
        "idea.html",
        ui=ui,
        user=user,
        title=t["title_idea"].format(id=idea_id, title=idea["title"]),
        active="ideas",
        idea=backlog.idea_detail(idea, ui),
        settable=[s for s in STATUSES if s != "duplicate"],
        can_change=can_change(user.role),
        error=t.text("idea_error", message=t.error_text(error)) if error else None,
        status_code=400 if error else 200,
    )


@router.get("/ideas/{idea_id}")
def idea_page(request: Request, ctx: Ctx, idea_id: Id, user: CurrentUser, ui: Lang) -> Response:
    return _idea_page(request, ctx, user, ui, idea_id)


def _curate(request: Request, ctx: Ctx, user: User, ui: str, idea_id: int, change) -> Response:
    """Run `change` (which returns the idea to show next); a refusal is shown in place (and
    the page of an idea that does not exist is a 404)."""
    try:
        shown = change()
    except UserError as exc:
        return _idea_page(request, ctx, user, ui, idea_id, error=exc)
    return RedirectResponse(f"/ideas/{shown['id']}", status_code=303)


@router.post("/ideas/{idea_id}/status")
def idea_status(
    request: Request,
    ctx: Ctx,
    idea_id: Id,
    user: Changer,
    ui: Lang,
    status: Annotated[Settable, Form()],
) -> Response:
    from escucha.ideas import set_status

    return _curate(
        request, ctx, user, ui, idea_id, lambda: set_status(ctx.workspace, idea_id, status)
    )


@router.post("/ideas/{idea_id}/merge")
def idea_merge(
    request: Request,
    ctx: Ctx,
    idea_id: Id,
    user: Changer,
    ui: Lang,
    into: Annotated[Id, Form()],
) -> Response:
    from escucha.ideas import merge

    return _curate(request, ctx, user, ui, idea_id, lambda: merge(ctx.workspace, idea_id, into))


@router.post("/ideas/{idea_id}/unmerge")
def idea_unmerge(request: Request, ctx: Ctx, idea_id: Id, user: Changer, ui: Lang) -> Response:
    from escucha.ideas import unmerge

    return _curate(request, ctx, user, ui, idea_id, lambda: unmerge(ctx.workspace, idea_id))
