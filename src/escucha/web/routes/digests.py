"""The digests section of the alerts page: everyone sees the list; admins add, remove and
send one now (a digest sends the workspace's numbers outside it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from escucha.auth.users import User
from escucha.errors import EscuchaError
from escucha.i18n import catalogue
from escucha.web.deps import Ctx, check_csrf, require_admin, ui_lang
from escucha.web.routes.alerts import alerts_response

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Lang = Annotated[str, Depends(ui_lang)]
Admin = Annotated[User, Depends(require_admin)]


@router.post("/alerts/digests")
def add(
    request: Request,
    ctx: Ctx,
    user: Admin,
    ui: Lang,
    every: Annotated[str, Form(max_length=16)],
    to: Annotated[str, Form(max_length=2000)],
    lang: Annotated[str, Form(max_length=8)] = "en",
    brand: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    from escucha.digests import add_digest

    t = catalogue(ui)
    try:
        digest = add_digest(
            ctx.workspace, every, to, lang=lang, brand=brand.strip() or None, by=user.name
        )
    except EscuchaError as exc:
        return alerts_response(request, ctx, user, ui, error=t.error_text(exc))
    return alerts_response(request, ctx, user, ui, notice=t.text("digests_added", id=digest.id))


@router.post("/alerts/digests/{digest_id}/remove")
def remove(request: Request, ctx: Ctx, user: Admin, ui: Lang, digest_id: int) -> Response:
    from escucha.digests import remove_digest

    remove_digest(ctx.workspace, digest_id)
    t = catalogue(ui)
    return alerts_response(request, ctx, user, ui, notice=t.text("digests_removed", id=digest_id))


@router.post("/alerts/digests/{digest_id}/send")
def send_now(request: Request, ctx: Ctx, user: Admin, ui: Lang, digest_id: int) -> Response:
    """Send the digest's last period now, or, when the store has a queue, queue its send job
    (the page shows the job's state) so that no request waits on the mail server."""
    from escucha.digests import get_digest, send_digest
    from escucha.digests.deliver import DeliveryError
    from escucha.jobs.publishing import queue_digest, queue_ready

    t = catalogue(ui)
    if queue_ready(ctx.workspace):
        get_digest(ctx.workspace, digest_id)  # NotFound: a 404 page
        queue_digest(ctx.workspace, digest_id)
        return alerts_response(
            request, ctx, user, ui, notice=t.text("digests_queued", id=digest_id)
        )
    try:
        done = send_digest(ctx.workspace, digest_id)
    except DeliveryError as exc:
        error = t.text("digests_failed", id=digest_id, message=str(exc))
        return alerts_response(request, ctx, user, ui, error=error)
    key = {"sent": "digests_sent", "already_sent": "digests_already"}.get(
        done["status"], "digests_in_progress"
    )
    notice = t.text(key, id=digest_id, period=done["period"])
    return alerts_response(request, ctx, user, ui, notice=notice)
