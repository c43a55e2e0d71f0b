"""The alert history, and (for analysts and admins) running the alerts now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.errors import UserError
from escucha.i18n import catalogue
from escucha.report.backlog import alert_section
from escucha.web import backlog
from escucha.web.deps import Ctx, check_csrf, require_changer, require_user, ui_lang
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Lang = Annotated[str, Depends(ui_lang)]
HISTORY = 200


def alerts_response(
    request: Request,
    ctx: Ctx,
    user: User,
    ui: str,
    notice: str | None = None,
    notes: list[str] | None = None,
    error: str | None = None,
) -> Response:
    from escucha.alerts import alert_history
    from escucha.digests import list_digests
    from escucha.jobs.publishing import latest_jobs

    t = catalogue(ui)
    history = alert_history(ctx.workspace, limit=HISTORY)
    digests = list_digests(ctx.workspace)
    jobs = latest_jobs(ctx.workspace, "send_digest", "digest_id", [d.id for d in digests])
    return render(
        request,
        "alerts.html",
        ui=ui,
        user=user,
        title=t["title_alerts"],
        active="alerts",
        alerts=alert_section(history, t, shown=None),
        can_change=can_change(user.role),
        digests=digests,
        digest_jobs={i: s for i, s in jobs.items() if s in ("todo", "doing", "failed")},
        can_manage_digests=user.role == "admin",
        brands=[b.name for b in ctx.workspace.config.brands],
        notice=notice,
        notes=notes or [],
        error=error,
        status_code=400 if error else 200,
    )


@router.get("/alerts")
def alerts_page(
    request: Request, ctx: Ctx, user: Annotated[User, Depends(require_user)], ui: Lang
) -> Response:
    return alerts_response(request, ctx, user, ui)


@router.post("/alerts/run")
def run_alerts_now(
    request: Request, ctx: Ctx, user: Annotated[User, Depends(require_changer)], ui: Lang
) -> Response:
    from escucha.alerts import run_alerts

    try:
        result = run_alerts(ctx.workspace)
    except UserError as exc:
        t = catalogue(ui)
        error = t.text("alerts_failed", message=t.error_text(exc))
        return alerts_response(request, ctx, user, ui, error=error)
    notice = backlog.run_summary(result, ui)
    return alerts_response(request, ctx, user, ui, notice=notice, notes=list(result["notes"]))
