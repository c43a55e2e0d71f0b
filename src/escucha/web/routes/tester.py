"""The tester's page, public at /t/{token}: no login, es and en, no JavaScript needed.

It shows the terms (what is tested, what data is kept and for how long, the NDA, the
disclosure duty, the terms' version) with Accept and Decline; once accepted, a report form
and Leave the test. There is no session, so each form carries a token signed with the
workspace secret naming the link and a one-time submission key: a report form posted twice
is stored once (panels/feedback.py). Posts share the survey form's rate limit and size cap.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from escucha.errors import Conflict, NotFound, UserError
from escucha.i18n import catalogue
from escucha.panels.links import hash_token
from escucha.web.context import WebContext
from escucha.web.routes.surveys import FORM_MAX_AGE, _first, _posted, _ui

router = APIRouter(include_in_schema=False)
ACTIONS = ("accepted", "declined", "withdraw", "report")


def _ctx(request: Request) -> WebContext:
    return request.app.state.web


def _serializer(ctx: WebContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.secret, salt="escucha-panel-form")


def _page(request: Request, ui: str, status: int = 200, **context: Any) -> Response:
    t = catalogue(ui)
    return _ctx(request).templates.TemplateResponse(
        request,
        "tester.html",
        {"t": t, "ui": ui, "page_title": t["nav_panels"], **context},
        status_code=status,
    )


def _view(request: Request, token: str, message: str | None = None, status: int = 200) -> Response:
    from escucha.panels.define import get_panel
    from escucha.panels.links import find_tester

    ctx = _ctx(request)
    ui = _ui(request)
    t = catalogue(ui)
    try:
        with ctx.workspace.engine.connect() as conn:
            tester = find_tester(conn, token)
    except NotFound:
        return _page(request, ui, 404, message=t["survey_refused_unknown"], tester=None)
    panel = get_panel(ctx.workspace, tester.panel_id)
    brand = ctx.workspace.config.brand
    disclosure = tester.disclosure or (f"#{brand.name}" if brand else "#gifted")
    form_token = _serializer(ctx).dumps([hash_token(token)[:16], secrets.token_urlsafe(16)])
    return _page(
        request,
        ui,
        status,
        tester=tester,
        panel=panel,
        token=token,
        message=message,
        product=tester.product or tester.panel_name,
        disclosure=disclosure,
        form_token=form_token,
        lang=ui,
    )


@router.get("/t/{token}")
def tester_page(request: Request, token: str) -> Response:
    return _view(request, token)


@router.post("/t/{token}")
async def tester_post(request: Request, token: str) -> Response:
    from escucha.panels.consent import decide, withdraw
    from escucha.panels.feedback import submit

    ctx = _ctx(request)
    form = await _posted(request)
    try:
        signed = _serializer(ctx).loads(_first(form, "form_token"), max_age=FORM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        signed = None
    if not isinstance(signed, list) or len(signed) != 2 or signed[0] != hash_token(token)[:16]:
        raise HTTPException(403, "missing or wrong form token; reload the page and try again")
    ui = _ui(request)
    action = _first(form, "action")
    if action not in ACTIONS:
        raise HTTPException(400, "unknown action")
    try:
        if action in ("accepted", "declined"):
            decide(ctx.workspace, token, action, ui)
        elif action == "withdraw":
            withdraw(ctx.workspace, token, ui)
        else:
            phase = _first(form, "phase")
            # the models read the report: off the event loop
            await run_in_threadpool(
                submit,
                ctx.workspace,
                token,
                kind=_first(form, "kind"),
                text=_first(form, "text"),
                steps=_first(form, "steps"),
                severity=_first(form, "severity") or None,
                phase=int(phase) if phase.isdigit() else None,
                submission=str(signed[1]),
            )
    except NotFound:
        return _view(request, token, status=404)
    except (Conflict, UserError) as error:
        status = 409 if isinstance(error, Conflict) else 400
        return _view(request, token, message=str(error), status=status)
    # Post/redirect/get: the page shows the new status (and thanks for a report).
    return RedirectResponse(f"/t/{token}?done={action}", status_code=303)
