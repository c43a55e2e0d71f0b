"""The dead-letter view (admins): background jobs that failed every attempt, with their last
error; retry or discard each. On SQLite, where there is no queue, the page says so."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.users import User
from escucha.i18n import catalogue
from escucha.web.deps import Ctx, check_csrf, require_admin, ui_lang
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Lang = Annotated[str, Depends(ui_lang)]
Admin = Annotated[User, Depends(require_admin)]


@router.get("/jobs")
def jobs_page(
    request: Request, ctx: Ctx, user: Admin, ui: Lang, done: str | None = None
) -> Response:
    from escucha.jobs.admin import failed_jobs

    t = catalogue(ui)
    postgres = ctx.engine.dialect.name == "postgresql"
    return render(
        request,
        "jobs.html",
        ui=ui,
        user=user,
        title=t["title_jobs"],
        active="jobs",
        postgres=postgres,
        jobs=failed_jobs(ctx.workspace) if postgres else [],
        notice=t["jobs_" + done] if done in ("retried", "discarded") else None,
    )


@router.post("/jobs/{job_id}/retry")
def retry(ctx: Ctx, user: Admin, job_id: int) -> Response:
    from escucha.jobs.admin import retry_job

    retry_job(ctx.workspace, job_id)
    return RedirectResponse("/jobs?done=retried", status_code=303)


@router.post("/jobs/{job_id}/discard")
def discard(ctx: Ctx, user: Admin, job_id: int) -> Response:
    from escucha.jobs.admin import discard_job

    discard_job(ctx.workspace, job_id)
    return RedirectResponse("/jobs?done=discarded", status_code=303)
