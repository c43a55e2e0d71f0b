"""The community's pages: contacts with filters and readiness, one contact with the timeline
of their posts and our interactions, the merge-suggestion queue (admins accept or reject),
and the give/ask ledger's health. Analysts record gives and asks; admins merge and unmerge."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from escucha.auth.roles import can_change
from escucha.auth.users import User
from escucha.errors import UserError
from escucha.i18n import catalogue
from escucha.web import community as shape
from escucha.web.deps import (
    Ctx,
    check_csrf,
    require_admin,
    require_changer,
    require_user,
    ui_lang,
)
from escucha.web.params import MAX_ID, Id
from escucha.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
CurrentUser = Annotated[User, Depends(require_user)]
Changer = Annotated[User, Depends(require_changer)]
Admin = Annotated[User, Depends(require_admin)]
Lang = Annotated[str, Depends(ui_lang)]
YesNo = Literal["", "yes", "no"]
PAGE = 50
QUEUE = 100


def _flag(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("/contacts")
def contacts_page(
    request: Request,
    ctx: Ctx,
    user: CurrentUser,
    ui: Lang,
    q: Annotated[str, Query(max_length=200)] = "",
    lang: Annotated[str, Query(max_length=16)] = "",
    country: Annotated[str, Query(max_length=64)] = "",
    ready: YesNo = "",
    opted_out: YesNo = "",
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> Response:
    from escucha.community.views import browse_contacts

    t = catalogue(ui)
    shape.ensure_contacts(ctx)
    found, next_after = browse_contacts(
        ctx.workspace,
        lang=lang or None,
        country=country or None,
        ready=_flag(ready),
        opted_out=_flag(opted_out),
        search=q or None,
        after=after,
        limit=PAGE,
    )
    settings = ctx.workspace.config.community
    filters = {"q": q, "lang": lang, "country": country, "ready": ready, "opted_out": opted_out}
    return render(
        request,
        "contacts.html",
        ui=ui,
        user=user,
        title=t["title_contacts"],
        active="contacts",
        filters=filters,
        rows=[shape.contact_row(c, settings, ui) for c in found],
        first_page="/contacts?" + urlencode({k: v for k, v in filters.items() if v})
        if after
        else None,
        next=_contacts_url(filters, next_after) if next_after else None,
    )


def _contacts_url(filters: dict, after: int) -> str:
    return "/contacts?" + urlencode({**{k: v for k, v in filters.items() if v}, "after": after})


def _suggestions_page(
    request: Request, ctx: Ctx, user: User, ui: str, error: UserError | None = None
) -> Response:
    from escucha.community.resolve import suggestions
    from escucha.community.views import list_contacts

    t = catalogue(ui)
    shape.ensure_contacts(ctx)
    found = suggestions(ctx.workspace, limit=QUEUE)
    ids = sorted({c for s in found for c in s["contacts"]})
    names = {c["id"]: c for c in list_contacts(ctx.workspace, ids=ids)} if ids else {}
    return render(
        request,
        "suggestions.html",
        ui=ui,
        user=user,
        title=t["title_suggestions"],
        active="contacts",
        suggestions=[
            {
                "a": names.get(s["contacts"][0]),
                "b": names.get(s["contacts"][1]),
                "ids": s["contacts"],
                "reason": s["reason"],
                "confidence": t.decimal(s["confidence"]),
            }
            for s in found
        ],
        can_merge=user.role == "admin",
        error=t.text("community_error", message=t.error_text(error)) if error else None,
        status_code=400 if error else 200,
    )


@router.get("/contacts/suggestions")
def suggestions_page(request: Request, ctx: Ctx, user: CurrentUser, ui: Lang) -> Response:
    return _suggestions_page(request, ctx, user, ui)


@router.post("/contacts/suggestions/accept")
def accept_suggestion(
    request: Request,
    ctx: Ctx,
    user: Admin,
    ui: Lang,
    a: Annotated[Id, Form()],
    b: Annotated[Id, Form()],
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    from escucha.community.merge import merge_contacts

    keep, other = sorted((a, b))
    try:
        merge_contacts(ctx.workspace, keep, other, reason, by=user.name)
    except UserError as exc:
        return _suggestions_page(request, ctx, user, ui, error=exc)
    return RedirectResponse(f"/contacts/{keep}", status_code=303)


@router.post("/contacts/suggestions/reject")
def reject_suggestion(
    request: Request,
    ctx: Ctx,
    user: Admin,
    ui: Lang,
    a: Annotated[Id, Form()],
    b: Annotated[Id, Form()],
) -> Response:
    from escucha.community.resolve import reject_suggestion as reject

    try:
        reject(ctx.workspace, a, b, by=user.name)
    except UserError as exc:
        return _suggestions_page(request, ctx, user, ui, error=exc)
    return RedirectResponse("/contacts/suggestions", status_code=303)


def _contact_page(
    request: Request,
    ctx: Ctx,
    user: User,
    ui: str,
    contact_id: Id,
    error: UserError | None = None,
) -> Response:
    from escucha.community.ledger import KINDS, list_interactions
    from escucha.community.views import contact_posts, show_contact

    t = catalogue(ui)
    shape.ensure_contacts(ctx)
    contact = show_contact(ctx.workspace, contact_id)
    row = shape.contact_row(contact, ctx.workspace.config.community, ui)
    return render(
        request,
        "contact.html",
        ui=ui,
        user=user,
        title=t.text("title_contact", id=contact_id, name=contact["name"] or t["none"]),
        active="contacts",
        contact=row,
        timeline=shape.timeline(
            contact_posts(ctx.workspace, contact_id),
            list_interactions(ctx.workspace, contact_id=contact_id, limit=200),
            ui,
        ),
        kinds=[(k, t[shape.kind_key(k)]) for k in KINDS],
        can_record=can_change(user.role),
        can_merge=user.role == "admin",
        error=t.text("community_error", message=t.error_text(error)) if error else None,
        status_code=400 if error else 200,
    )


@router.get("/contacts/{contact_id}")
def contact_page(
    request: Request, ctx: Ctx, contact_id: Id, user: CurrentUser, ui: Lang
) -> Response:
    return _contact_page(request, ctx, user, ui, contact_id)


@router.post("/contacts/{contact_id}/unmerge")
def contact_unmerge(
    request: Request,
    ctx: Ctx,
    contact_id: Id,
    user: Admin,
    ui: Lang,
    identity: Annotated[str, Form(max_length=600)],
) -> Response:
    from escucha.community.merge import unmerge_identity

    try:
        unmerge_identity(ctx.workspace, contact_id, identity, by=user.name)
    except UserError as exc:
        return _contact_page(request, ctx, user, ui, contact_id, error=exc)
    return RedirectResponse(f"/contacts/{contact_id}", status_code=303)


@router.post("/contacts/{contact_id}/interactions")
def contact_record(
    request: Request,
    ctx: Ctx,
    contact_id: Id,
    user: Changer,
    ui: Lang,
    kind: Annotated[str, Form(max_length=32)],
    note: Annotated[str, Form(max_length=2000)] = "",
    channel: Annotated[str, Form(max_length=64)] = "manual",
) -> Response:
    from escucha.community.ledger import record_interaction

    try:
        record_interaction(
            ctx.workspace,
            kind,
            contact_id=contact_id,
            channel=channel or "manual",
            note=note.strip() or None,
            recorded_by=user.name,
        )
    except UserError as exc:
        return _contact_page(request, ctx, user, ui, contact_id, error=exc)
    return RedirectResponse(f"/contacts/{contact_id}", status_code=303)


@router.get("/ledger")
def ledger_page(
    request: Request,
    ctx: Ctx,
    user: CurrentUser,
    ui: Lang,
    months: Annotated[int, Query(ge=1, le=60)] = 12,
) -> Response:
    from escucha.community.ledger import give_ask_by_month, list_interactions
    from escucha.report.community import give_ask_section

    t = catalogue(ui)
    balance = give_ask_section(give_ask_by_month(ctx.workspace, months=months), t)
    return render(
        request,
        "ledger.html",
        ui=ui,
        user=user,
        title=t["title_ledger"],
        active="ledger",
        chart=balance["chart"],
        months=balance["rows"],
        warning=balance["warning"],
        recent=shape.timeline([], list_interactions(ctx.workspace, limit=50), ui),
    )
