"""The conversation's pages: the inbox with filters and its actions, a post's thread with the
reply form (the guard's verdict shown as one types, through htmx), the drafts queue with
approval and publishing, and the disclosure watch. Viewers read; analysts and admins act
(approval follows the `[engage] approval` rule, a guard block needs an admin's reason)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.errors import Conflict, Forbidden, UserError
from escucha.i18n import catalogue
from escucha.web import engage as shape
from escucha.web.deps import Ctx, check_csrf, require_changer, require_user, ui_lang
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Changer = Annotated[User, Depends(require_changer)]
Lang = Annotated[str, Depends(ui_lang)]
ItemStatus = Literal["new", "assigned", "answered", "closed", "no_reply_needed"]
StatusChoice = Literal["open", "all", "new", "assigned", "answered", "closed", "no_reply_needed"]
Intent = Literal["", "complaint", "question", "wish"]
DraftTab = Literal["pending", "approved", "published", "failed"]
Action = Literal["assign", "assign_me", "close", "no_reply"]
DRAFTS = 100
TEXT_MAX = 100_000


def _status_code(error: UserError) -> int:
    return 403 if isinstance(error, Forbidden) else 409 if isinstance(error, Conflict) else 400


def _can_approve(ctx: Ctx, user: User) -> bool:
    """Whether to offer the approve button (approve_draft decides, with the draft's author)."""
    rule = ctx.workspace.config.engage.approval
    return can_change(user.role) and (rule != "admin" or user.role == "admin")


def _error(ui: str, error: UserError | None) -> str | None:
    return (
        catalogue(ui).text("engage_error", message=catalogue(ui).error_text(error))
        if error
        else None
    )


@router.get("/inbox")
def inbox_page(
    request: Request,
    ctx: Ctx,
    user: CurrentUser,
    ui: Lang,
    status: StatusChoice = "open",
    intent: Intent = "",
    lang: Annotated[str, Query(max_length=16)] = "",
    source: Annotated[str, Query(max_length=64)] = "",
    assignee: Annotated[str, Query(max_length=255)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    from escucha.engage.inbox import STATUSES, InboxFilters, list_inbox

    t = catalogue(ui)
    shape.ensure_inbox(ctx)
    statuses = {"open": ("new", "assigned"), "all": ()}.get(status, (status,))
    filters = InboxFilters(
        status=statuses,
        intent=(intent,) if intent else (),
        lang=(lang,) if lang else (),
        source=(source,) if source else (),
        assignee=assignee or None,
    )
    size = ctx.settings.page_size
    found = list_inbox(
        ctx.workspace,
        filters,
        limit=size + 1,  # one more tells whether a next page exists
        offset=(page - 1) * size,
        word=shape.reason_wording(ui),
    )
    chosen = {"status": status, "intent": intent, "lang": lang, "source": source,
              "assignee": assignee}  # fmt: skip
    config = ctx.workspace.config
    return render(
        request,
        "inbox.html",
        ui=ui,
        user=user,
        title=t["title_inbox"],
        active="inbox",
        filters=chosen,
        statuses=("open", "all", *STATUSES),
        intents=("complaint", "question", "wish"),
        languages=config.languages,
        sources=sorted({s.name for s in config.sources} | ({source} if source else set())),
        rows=[shape.item_row(i, ui) for i in found[:size]],
        page=page,
        previous=_inbox_url(chosen, page - 1) if page > 1 else None,
        next=_inbox_url(chosen, page + 1) if len(found) > size else None,
        can_act=can_change(user.role),
    )


def _inbox_url(filters: dict, page: int) -> str:
    params = {k: v for k, v in filters.items() if v and not (k == "status" and v == "open")}
    return "/inbox?" + urlencode({**params, **({"page": page} if page > 1 else {})})


def _back(next_url: str, post_id: int) -> str:
    """Where to go after an action: the page it came from when it is a local inbox page."""
    if next_url.startswith("/inbox") and not next_url.startswith("//") and "\\" not in next_url:
        return next_url
    return f"/inbox/{post_id}"


@router.post("/inbox/{post_id}/status")
def inbox_action(
    ctx: Ctx,
    post_id: int,
    user: Changer,
    action: Annotated[Action, Form()],
    assignee: Annotated[str, Form(max_length=255)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    from escucha.engage.inbox import set_status

    status, person = {
        "assign": ("assigned", assignee),
        "assign_me": ("assigned", user.name),
        "close": ("closed", None),
        "no_reply": ("no_reply_needed", None),
    }[action]
    set_status(ctx.workspace, post_id, status, by=user.name, assignee=person)
    return RedirectResponse(_back(next, post_id), status_code=303)


def _thread_page(
    request: Request,
    ctx: Ctx,
    user: User,
    ui: str,
    post_id: int,
    *,
    saved: int | None = None,
    error: UserError | None = None,
    typed: str = "",
    snippet: str = "",
) -> Response:
    from escucha.engage.drafts import list_drafts
    from escucha.engage.inbox import inbox_item, thread
    from escucha.engage.publish import failed_publications
    from escucha.engage.snippets import load_snippets
    from escucha.jobs.publishing import publish_jobs

    t = catalogue(ui)
    shape.ensure_inbox(ctx)
    posts = thread(ctx.workspace, post_id)  # NotFound: a 404 page
    item = inbox_item(ctx.workspace, post_id, word=shape.reason_wording(ui))
    failed = failed_publications(ctx.workspace)
    drafts = list_drafts(ctx.workspace, limit=DRAFTS, post_id=post_id)
    jobs = publish_jobs(ctx.workspace, [d["draft_id"] for d in drafts])
    return render(
        request,
        "inbox_item.html",
        ui=ui,
        user=user,
        title=t.text("title_inbox_item", id=post_id),
        active="inbox",
        post_id=post_id,
        item=shape.item_row(item, ui) if item else None,
        thread=shape.thread_rows(posts),
        snippets=sorted(load_snippets(ctx.workspace).items()),
        drafts=[
            shape.draft_row(d, ui, failed.get(d["draft_id"]), jobs.get(d["draft_id"]))
            for d in drafts
        ],
        can_approve=_can_approve(ctx, user),
        approval_rule=ctx.workspace.config.engage.approval,
        is_admin=user.role == "admin",
        saved=saved,
        typed=typed,
        snippet=snippet,
        can_act=can_change(user.role),
        error=_error(ui, error),
        status_code=_status_code(error) if error else 200,
    )


@router.get("/inbox/{post_id}")
def thread_page(
    request: Request,
    ctx: Ctx,
    post_id: int,
    user: CurrentUser,
    ui: Lang,
    draft: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    return _thread_page(request, ctx, user, ui, post_id, saved=draft)


@router.post("/inbox/{post_id}/guard")
def guard_fragment(
    request: Request,
    ctx: Ctx,
    post_id: int,
    user: Changer,
    ui: Lang,
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    snippet: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """The guard's verdict on the reply being typed, as the fragment htmx puts under it."""
    from escucha.engage.drafts import preview_draft

    guard, message = None, None
    if text.strip() or snippet:
        try:
            found = preview_draft(ctx.workspace, post_id, text, snippet=snippet or None, lang=ui)
        except UserError as exc:
            message = _error(ui, exc)
        else:
            guard = shape.verdict_view(found["verdict"], found["flags"], ui)
    return render(
        request,
        "_guard.html",
        ui=ui,
        user=user,
        title="",
        guard=guard,
        message=message,
    )


@router.post("/inbox/{post_id}/reply")
def reply(
    request: Request,
    ctx: Ctx,
    post_id: int,
    user: Changer,
    ui: Lang,
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    snippet: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    from escucha.engage.drafts import create_draft

    try:
        done = create_draft(ctx.workspace, post_id, text, snippet=snippet or None, by=user.name)
    except UserError as exc:
        return _thread_page(request, ctx, user, ui, post_id, error=exc, typed=text, snippet=snippet)
    draft_id = done["draft_id"]
    return RedirectResponse(f"/inbox/{post_id}?draft={draft_id}#draft-{draft_id}", 303)


def _drafts_page(
    request: Request,
    ctx: Ctx,
    user: User,
    ui: str,
    status: DraftTab,
    error: UserError | None = None,
) -> Response:
    from escucha.engage.drafts import list_drafts
    from escucha.engage.publish import failed_publications
    from escucha.jobs.publishing import publish_jobs

    t = catalogue(ui)
    failed = failed_publications(ctx.workspace)
    if status == "failed":
        found = [d for d in list_drafts(ctx.workspace, "approved", DRAFTS)
                 if d["draft_id"] in failed]  # fmt: skip
    else:
        found = list_drafts(ctx.workspace, status, DRAFTS)
    jobs = publish_jobs(ctx.workspace, [d["draft_id"] for d in found])
    return render(
        request,
        "drafts.html",
        ui=ui,
        user=user,
        title=t["title_drafts"],
        active="drafts",
        status=status,
        tabs=("pending", "approved", "published", "failed"),
        drafts=[
            shape.draft_row(d, ui, failed.get(d["draft_id"]), jobs.get(d["draft_id"]))
            for d in found
        ],
        can_act=can_change(user.role),
        can_approve=_can_approve(ctx, user),
        approval_rule=ctx.workspace.config.engage.approval,
        is_admin=user.role == "admin",
        error=_error(ui, error),
        status_code=_status_code(error) if error else 200,
    )


@router.get("/drafts")
def drafts_page(
    request: Request, ctx: Ctx, user: CurrentUser, ui: Lang, status: DraftTab = "pending"
) -> Response:
    return _drafts_page(request, ctx, user, ui, status)


@router.post("/drafts/{draft_id}/approve")
def approve(
    request: Request,
    ctx: Ctx,
    draft_id: int,
    user: Changer,
    ui: Lang,
    override_reason: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    from escucha.engage.drafts import Actor, approve_draft
    from escucha.jobs.publishing import after_approval

    actor = Actor(user.name, user.role)
    try:
        done = approve_draft(
            ctx.workspace, draft_id, actor, override_reason=override_reason or None
        )
    except UserError as exc:
        return _drafts_page(request, ctx, user, ui, "pending", error=exc)
    after_approval(ctx.workspace, done)  # with a queue: a worker publishes it
    return RedirectResponse(f"/drafts?status=approved#draft-{draft_id}", status_code=303)


@router.post("/drafts/{draft_id}/publish")
def publish(request: Request, ctx: Ctx, draft_id: int, user: Changer, ui: Lang) -> Response:
    """Publish now, or, when the store has a queue, queue the publish job (the page then
    shows its state) so that no request waits on the platform."""
    from escucha.engage.drafts import get_draft
    from escucha.engage.publish import publish_draft
    from escucha.jobs.publishing import queue_publish, queue_ready

    if queue_ready(ctx.workspace):
        if get_draft(ctx.workspace, draft_id)["status"] != "approved":
            return _drafts_page(
                request,
                ctx,
                user,
                ui,
                "approved",
                error=Conflict(f"draft {draft_id} is not approved"),
            )
        queue_publish(ctx.workspace, draft_id)
        return RedirectResponse(f"/drafts?status=approved#draft-{draft_id}", status_code=303)
    try:
        publish_draft(ctx.workspace, draft_id, by=user.name)
    except UserError as exc:  # no write credentials, a deleted parent, a read-only source...
        return _drafts_page(request, ctx, user, ui, "failed", error=exc)
    return RedirectResponse(f"/drafts?status=published#draft-{draft_id}", status_code=303)


@router.get("/disclosures")
def disclosures_page(request: Request, ctx: Ctx, user: CurrentUser, ui: Lang) -> Response:
    from escucha.engage.disclosures import disclosures_needed

    t = catalogue(ui)
    return render(
        request,
        "disclosures.html",
        ui=ui,
        user=user,
        title=t["title_disclosures"],
        active="disclosures",
        rows=[shape.disclosure_row(d, ui) for d in disclosures_needed(ctx.workspace)],
        can_act=can_change(user.role),
    )


@router.post("/disclosures/{post_id}/draft")
def disclosure_draft(ctx: Ctx, post_id: int, user: Changer) -> Response:
    """The reminder of a listed post becomes a reply draft (checked, then approved)."""
    from escucha.engage.disclosures import disclosures_needed
    from escucha.engage.drafts import create_draft
    from escucha.errors import NotFound

    found = next((d for d in disclosures_needed(ctx.workspace) if d["post_id"] == post_id), None)
    if found is None:
        raise NotFound(f"post {post_id} is not in the disclosure-needed list")
    done = create_draft(ctx.workspace, post_id, found["reminder"]["text"], by=user.name)
    return RedirectResponse(f"/drafts#draft-{done['draft_id']}", status_code=303)
