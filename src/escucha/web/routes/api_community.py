"""The community's REST API, /api/v1: viewers read contacts, suggestions and the ledger;
analysts (write tokens) record gives and asks; admins merge, unmerge, export and forget.

A contact has the shape of `escucha contacts show --json`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from escucha.web.community import ensure_contacts
from escucha.web.deps import (
    Ctx,
    Principal,
    api_admin,
    api_admin_writer,
    api_principal,
    api_writer,
)
from escucha.web.params import Id, Moment
from escucha.web.responses import AUTHENTICATED, errors

router = APIRouter(prefix="/api/v1", responses=AUTHENTICATED, tags=["community"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]
AdminReader = Annotated[Principal, Depends(api_admin)]
AdminWriter = Annotated[Principal, Depends(api_admin_writer)]
Kind = Literal[
    "give:help",
    "give:answer",
    "give:thanks",
    "give:share",
    "give:loop-closed",
    "give:gift",
    "ask:survey",
    "ask:test",
    "ask:opinion",
    "ask:favour",
]


class Identity(BaseModel):
    platform: str
    handle: str


class Consent(BaseModel):
    granted: bool
    recorded_at: datetime
    channel: str
    text_version: str | None


class Contact(BaseModel):
    id: int
    name: str | None
    emails: list[str]
    identities: list[Identity]
    gives: int
    asks: int
    ready: bool = Field(description="true exactly when `reasons` is empty")
    reasons: list[str] = Field(description="every rule that keeps us from asking now")
    reason_codes: list[str] = Field(
        description="the reasons' codes: opted_out, no_consent, cooldown, ask_cap, "
        "no_give_since_ask, no_channel"
    )
    opted_out: bool
    attributes: dict[str, str]
    lang: str | None
    country: str | None
    gives_90d: int
    asks_90d: int
    last_give: datetime | None
    last_ask: datetime | None
    consent: Consent | None = Field(description="the latest consent record about contacting")
    posts: int
    posts_about_us: int
    replies_to_us: int
    last_seen: datetime | None


class ContactPage(BaseModel):
    items: list[Contact]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class Suggestion(BaseModel):
    contacts: list[int] = Field(description="the two contacts' ids, smaller first")
    reason: str
    confidence: float


class Suggestions(BaseModel):
    suggestions: list[Suggestion]


class Interaction(BaseModel):
    id: int
    contact_id: int | None = Field(description="none: the community at large")
    direction: Literal["give", "ask"]
    kind: Kind
    occurred_at: datetime
    channel: str
    note: str | None
    ref: str | None
    recorded_by: str
    recorded_at: datetime


class Interactions(BaseModel):
    interactions: list[Interaction]


class NewInteraction(BaseModel):
    kind: Kind
    contact_id: Id | None = Field(None, description="none: the community at large")
    channel: str = Field("api", min_length=1, max_length=64)
    note: str | None = Field(None, max_length=10_000)
    ref: str | None = Field(None, max_length=2000, description="a URL, post:ID, idea:ID")
    occurred_at: Moment | None = Field(None, description="default: now")


class Month(BaseModel):
    month: str = Field(description="YYYY-MM")
    gives: int
    asks: int
    ratio: float | None = Field(description="gives per ask; none without asks")
    warning: bool = Field(description="asks outran gives that month")


class Balance(BaseModel):
    months: list[Month] = Field(description="oldest first")


class MergeRequest(BaseModel):
    keep: Id = Field(description="the contact that stays")
    merged: Id = Field(description="the contact folded into it")
    reason: str = Field(min_length=1, max_length=2000)


class Merge(BaseModel):
    id: int
    kept_id: int
    merged_id: int
    reason: str
    merged_by: str
    merged_at: datetime


class UnmergeRequest(BaseModel):
    identity: str = Field(
        min_length=3, max_length=600, description="PLATFORM:HANDLE, e.g. bluesky:ana.bsky.social"
    )


class Unmerge(BaseModel):
    merge: int
    kept_id: int
    restored_id: int


class RejectRequest(BaseModel):
    contacts: list[Id] = Field(min_length=2, max_length=2)


class Forgotten(BaseModel):
    id: int
    identities: int
    posts: int
    scrubbed: bool = Field(
        description="false when another process kept the SQLite files from being scrubbed: "
        "the person is erased; run `escucha contacts scrub` later"
    )


@router.get("/contacts", response_model=ContactPage, summary="Contacts in id order, filtered")
def list_contacts(
    principal: Reader,
    ctx: Ctx,
    q: Annotated[
        str | None, Query(max_length=200, description="part of a name, handle or email")
    ] = None,
    lang: Annotated[str | None, Query(max_length=16)] = None,
    country: Annotated[str | None, Query(max_length=64)] = None,
    ready: Annotated[bool | None, Query(description="may we ask them now?")] = None,
    opted_out: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[
        str | None, Query(description="next_cursor of the previous page", pattern=r"^\d{1,18}$")
    ] = None,
) -> ContactPage:
    from escucha.community.views import browse_contacts

    ensure_contacts(ctx)
    found, after = browse_contacts(
        ctx.workspace,
        lang=lang,
        country=country,
        ready=ready,
        opted_out=opted_out,
        search=q,
        after=int(cursor) if cursor else None,
        limit=limit,
    )
    return ContactPage(
        items=[Contact(**c) for c in found], next_cursor=str(after) if after else None
    )


@router.get(
    "/contacts/suggestions",
    response_model=Suggestions,
    summary="Merges waiting for a person, best first",
)
def list_suggestions(
    principal: Reader, ctx: Ctx, limit: Annotated[int, Query(ge=1, le=10_000)] = 100
) -> Suggestions:
    from escucha.community.resolve import suggestions

    ensure_contacts(ctx)
    return Suggestions(suggestions=suggestions(ctx.workspace, limit=limit))


@router.post(
    "/contacts/suggestions/reject",
    status_code=204,
    summary="Two contacts are not one person: never suggest the pair again (admins)",
    responses=errors(400, 403, 404, 409),
)
def reject_suggestion(body: RejectRequest, principal: AdminWriter, ctx: Ctx) -> Response:
    from escucha.community.resolve import reject_suggestion as reject

    a, b = body.contacts
    reject(ctx.workspace, a, b, by=principal.user.name)
    return Response(status_code=204)


@router.post(
    "/contacts/merge",
    response_model=Merge,
    summary="Fold one contact into another (admins)",
    responses=errors(400, 403, 404, 409),
)
def merge_contacts(body: MergeRequest, principal: AdminWriter, ctx: Ctx) -> Merge:
    from escucha.community.merge import merge_contacts as merge

    done = merge(ctx.workspace, body.keep, body.merged, body.reason, by=principal.user.name)
    return Merge(**done)


@router.get(
    "/contacts/{contact_id}", response_model=Contact, summary="One contact", responses=errors(404)
)
def get_contact(contact_id: Id, principal: Reader, ctx: Ctx) -> Contact:
    from escucha.community.views import show_contact

    ensure_contacts(ctx)
    return Contact(**show_contact(ctx.workspace, contact_id))


@router.post(
    "/contacts/{contact_id}/unmerge",
    response_model=Unmerge,
    summary="Undo the merge that brought an identity into the contact (admins)",
    responses=errors(400, 403, 404, 409),
)
def unmerge_contact(
    contact_id: Id, body: UnmergeRequest, principal: AdminWriter, ctx: Ctx
) -> Unmerge:
    from escucha.community.merge import unmerge_identity

    done = unmerge_identity(ctx.workspace, contact_id, body.identity, by=principal.user.name)
    return Unmerge(**done)


@router.get(
    "/contacts/{contact_id}/export",
    summary="Everything held about the person, as JSON (GDPR art. 15 and 20; admins)",
    response_model=dict[str, Any],
    responses=errors(403, 404),
)
def export_contact(contact_id: Id, principal: AdminReader, ctx: Ctx) -> Response:
    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    from escucha.community.rights import export_contact as export

    return JSONResponse(
        jsonable_encoder(export(ctx.workspace, contact_id)),
        headers={"Content-Disposition": f'attachment; filename="contact-{contact_id}.json"'},
    )


@router.delete(
    "/contacts/{contact_id}",
    response_model=Forgotten,
    summary="Erase the person: contact, identities, emails, their posts (GDPR art. 17; admins)",
    responses=errors(403, 404),
)
def forget_contact(contact_id: Id, principal: AdminWriter, ctx: Ctx) -> Forgotten:
    from escucha.community.rights import ScrubPending
    from escucha.community.rights import forget_contact as forget

    try:
        done = forget(ctx.workspace, contact_id, by=principal.user.name)
    except ScrubPending as pending:
        return Forgotten(id=contact_id, scrubbed=False, **pending.counts)
    return Forgotten(id=contact_id, scrubbed=True, **done)


@router.get(
    "/ledger",
    response_model=Interactions,
    summary="Gives and asks, newest first",
    responses=errors(404),
)
def list_ledger(
    principal: Reader,
    ctx: Ctx,
    contact_id: Annotated[Id | None, Query()] = None,
    kind: Annotated[
        Kind | Literal["give", "ask"] | None, Query(description="give, ask or one kind")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> Interactions:
    from escucha.community.ledger import list_interactions

    found = list_interactions(ctx.workspace, contact_id=contact_id, kind=kind, limit=limit)
    return Interactions(interactions=found)


@router.post(
    "/ledger",
    response_model=Interaction,
    status_code=201,
    summary="Record a give or an ask (analysts and admins, write tokens)",
    responses=errors(400, 403, 404),
)
def record(body: NewInteraction, principal: Writer, ctx: Ctx) -> Interaction:
    from escucha.community.ledger import record_interaction

    done = record_interaction(
        ctx.workspace,
        body.kind,
        contact_id=body.contact_id,
        channel=body.channel,
        note=body.note,
        ref=body.ref,
        occurred_at=body.occurred_at,
        recorded_by=principal.user.name,
    )
    return Interaction(**done)


@router.get(
    "/community/balance",
    response_model=Balance,
    summary="Gives and asks per month, with a warning where asks outran gives",
)
def balance(
    principal: Reader, ctx: Ctx, months: Annotated[int, Query(ge=1, le=120)] = 12
) -> Balance:
    from escucha.community.ledger import give_ask_by_month

    return Balance(months=give_ask_by_month(ctx.workspace, months=months))
