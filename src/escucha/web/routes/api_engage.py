"""The conversation's REST API, /api/v1: the inbox and its threads, reply drafts, their
approval and publishing, the honest-post guard and the disclosure watch.

Readers (any token) list the inbox, drafts and disclosures; writing, approving, publishing and
checking texts need a write token. Approval follows the workspace's `[engage] approval` rule
with the token's user and role, as `escucha drafts approve` does (docs/engage.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, model_validator

from escucha.web.deps import Ctx, Principal, api_principal, api_writer
from escucha.web.params import Id
from escucha.web.responses import AUTHENTICATED, errors


def _described(why: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """The statuses of an operation (errors()), each said for this operation."""
    out = errors(*why)
    for status, text in why.items():
        out[status] = out[status] | {"description": text}
    return out


router = APIRouter(prefix="/api/v1", responses=AUTHENTICATED, tags=["conversation"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]
Status = Literal["new", "assigned", "answered", "closed", "no_reply_needed"]
Intent = Literal["complaint", "question", "wish"]
DraftStatus = Literal["pending", "approved", "published"]
DraftKind = Literal["reply", "announcement", "invitation", "tester_call"]
Verdict = Literal["ok", "review", "block"]
Connection = Literal["none", "brand_account", "employee", "gifted", "paid", "affiliate"]


class InboxItem(BaseModel):
    id: int
    post_id: int
    source: str
    native_id: str
    status: Status
    priority: float
    reasons: list[str] = Field(description="why the item has its priority")
    intent: Intent
    lang: str | None
    assignee: str | None
    author: str | None
    text: str = Field(description="the post as collected: plain text, never rendered")
    url: str | None
    asked_at: str
    first_response_at: str | None
    response_seconds: int | None


class Inbox(BaseModel):
    items: list[InboxItem]


class ThreadPost(BaseModel):
    post_id: int
    native_id: str
    parent_id: str | None
    author: str | None
    text: str
    created_at: str | None
    ours: bool = Field(description="written by one of our accounts")
    selected: bool = Field(description="the post asked about")


class Thread(BaseModel):
    posts: list[ThreadPost]


class NewDraft(BaseModel):
    kind: DraftKind = Field("reply", description="a reply to a post, or a new post of ours")
    post_id: Id | None = Field(None, description="the post answered (a reply)")
    source: str | None = Field(
        None, max_length=64, description="where a new post is published (not for a reply)"
    )
    text: str | None = Field(None, max_length=100_000, description="the text, plain")
    snippet: str | None = Field(
        None, max_length=128, description="start a reply from a saved snippet"
    )
    title: str | None = Field(
        None, max_length=1000, description="a new post's title (Reddit, Discourse)"
    )
    community: str | None = Field(
        None, max_length=255, description="a new post's subreddit or Discourse category number"
    )

    @model_validator(mode="after")
    def _what_and_where(self) -> NewDraft:
        if self.kind == "reply":
            if self.post_id is None:
                raise ValueError("a reply needs the post_id it answers")
            if self.source or self.title or self.community:
                raise ValueError(
                    "a reply goes where its post came from: no source, title or community"
                )
            if self.text is None and self.snippet is None:
                raise ValueError("give the reply's text, a snippet's name, or both")
        else:
            if self.post_id is not None or self.snippet is not None:
                raise ValueError(f"a new post ({self.kind}) has no post_id or snippet")
            if not self.source or self.text is None:
                raise ValueError(f"a new post ({self.kind}) needs its source and text")
        return self


class Draft(BaseModel):
    draft_id: int
    kind: DraftKind
    post_id: int | None = Field(description="the post answered; None for a new post")
    source: str | None = Field(description="where it is published")
    title: str | None
    community: str | None
    status: DraftStatus
    verdict: Verdict
    flags: list[str]
    reasons: list[str]
    text: str
    lang: str | None
    snippet: str | None
    created_by: str
    created_at: str


class CreatedDraft(Draft):
    notes: list[str] = Field(description="e.g. the draft is in another language than the post")


class Override(BaseModel):
    by: str
    reason: str
    at: str


class DraftState(Draft):
    approved_by: str | None
    approved_at: str | None
    overrides: list[Override] = Field(description="admins' overrides of a guard block")
    native_id: str | None = Field(description="the published reply's id on the platform")
    url: str | None


class Approved(DraftState):
    publish_queued: bool = Field(
        description="a reply approved in a store with a job queue: its publish job is queued"
    )


class Drafts(BaseModel):
    drafts: list[DraftState]


class Approval(BaseModel):
    override_reason: str | None = Field(
        None, max_length=10_000, description="an admin's written reason to approve a block"
    )


class Published(BaseModel):
    published: bool
    native_id: str
    url: str | None
    again: bool = Field(description="it was published before: no call to the platform")


class GuardText(BaseModel):
    """One line of `escucha guard`'s input."""

    id: str | int
    text: str = Field(max_length=200_000)
    brand: str = Field("", max_length=255)
    connection: Connection = "none"
    lang: str | None = Field(None, max_length=16)


class GuardTexts(BaseModel):
    items: list[GuardText] = Field(max_length=1000)
    reasons_lang: Literal["en", "es"] = Field(
        "en", description="the language of the reasons, as `escucha guard --lang`"
    )


class GuardResult(BaseModel):
    """One line of `escucha guard`'s output."""

    id: str | int
    verdict: Verdict
    flags: list[str]
    reasons: list[str]


class GuardResults(BaseModel):
    results: list[GuardResult]


class Reminder(BaseModel):
    text: str
    verdict: Verdict = Field(description="the guard on the reminder, as our account's post")
    flags: list[str]
    reasons: list[str]


class Disclosure(BaseModel):
    post_id: int
    source: str
    native_id: str
    url: str | None
    author: str
    contact_id: int
    connection: Literal["employee", "gifted", "paid", "affiliate"]
    lang: str | None
    created_at: datetime | None
    text: str
    reason: str
    triggers: list[str]
    reminder: Reminder


class Disclosures(BaseModel):
    items: list[Disclosure]


@router.get("/inbox", response_model=Inbox, summary="The inbox, highest priority first")
def list_inbox(
    principal: Reader,
    ctx: Ctx,
    status: Annotated[list[Status] | None, Query()] = None,
    intent: Annotated[list[Intent] | None, Query()] = None,
    lang: Annotated[list[str] | None, Query(max_length=16)] = None,
    source: Annotated[list[str] | None, Query(max_length=64)] = None,
    assignee: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Inbox:
    from escucha.engage.inbox import InboxFilters, refresh_inbox
    from escucha.engage.inbox import list_inbox as items

    refresh_inbox(ctx.workspace)
    filters = InboxFilters(
        status=tuple(status or ()),
        intent=tuple(intent or ()),
        lang=tuple(lang or ()),
        source=tuple(source or ()),
        assignee=assignee,
    )
    return Inbox(items=items(ctx.workspace, filters, limit=limit, offset=offset))


@router.get(
    "/inbox/{post_id}/thread",
    response_model=Thread,
    summary="The thread around a post: its parents and the replies below it",
    responses=errors(404),
)
def get_thread(post_id: Id, principal: Reader, ctx: Ctx) -> Thread:
    from escucha.engage.inbox import thread

    return Thread(posts=thread(ctx.workspace, post_id))


@router.post(
    "/drafts",
    response_model=CreatedDraft,
    status_code=201,
    summary="Write a draft: a reply to a post, or a new post of ours on a source (an "
    "announcement, a survey invitation, a tester call); the guard's verdict comes with it "
    "(write tokens)",
    responses=_described(
        {
            400: "Bad text, an unknown snippet, or a source that cannot take the post (not "
            "configured, read-only, a title or subreddit missing)",
            403: "A read-only token",
            404: "No such post",
        }
    ),
)
def create_draft(body: NewDraft, principal: Writer, ctx: Ctx) -> CreatedDraft:
    from escucha.engage.drafts import create_draft as create
    from escucha.engage.drafts import create_post_draft

    by = principal.user.name
    if body.kind == "reply":
        assert body.post_id is not None  # the model checked
        done = create(ctx.workspace, body.post_id, body.text, snippet=body.snippet, by=by)
    else:
        assert body.source is not None and body.text is not None
        done = create_post_draft(
            ctx.workspace, body.source, body.kind, body.text,
            title=body.title, community=body.community, by=by,
        )  # fmt: skip
    return CreatedDraft(**done)


@router.get("/drafts", response_model=Drafts, summary="Drafts, newest first")
def list_drafts(
    principal: Reader,
    ctx: Ctx,
    status: DraftStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Drafts:
    from escucha.engage.drafts import list_drafts as drafts

    return Drafts(drafts=drafts(ctx.workspace, status, limit))


@router.post(
    "/drafts/{draft_id}/approve",
    response_model=Approved,
    summary="Approve a draft under the [engage] rule; a guard block needs an admin's reason",
    responses=errors(400, 403, 404, 409),
)
def approve_draft(
    draft_id: Id, principal: Writer, ctx: Ctx, body: Approval | None = None
) -> Approved:
    from escucha.engage.drafts import Actor
    from escucha.engage.drafts import approve_draft as approve
    from escucha.jobs.publishing import after_approval

    actor = Actor(principal.user.name, principal.user.role)
    reason = body.override_reason if body else None
    done = approve(ctx.workspace, draft_id, actor, override_reason=reason)
    return Approved(**done, publish_queued=after_approval(ctx.workspace, done))


@router.post(
    "/drafts/{draft_id}/publish",
    response_model=Published,
    summary="Publish an approved draft (a reply, or a new post on its source), at most once "
    "(write tokens)",
    responses=_described(
        {
            400: "The platform refused our credentials (401/403) or none are set: the detail "
            "names the variables to set; or the source cannot publish, or the text is over "
            "the platform's limit",
            403: "A read-only token",
            404: "No such draft",
            409: "The draft is not approved",
            502: "The platform refused the post (e.g. 422, a parent deleted upstream) or gave "
            "no answer (it may or may not be published: publish again, with the same key)",
        }
    ),
)
def publish_draft(draft_id: Id, principal: Writer, ctx: Ctx) -> Published:
    from escucha.engage.publish import publish_draft as publish

    return Published(**publish(ctx.workspace, draft_id, by=principal.user.name))


@router.post(
    "/guard",
    response_model=GuardResults,
    summary="The honest-post guard on texts, as `escucha guard` (write tokens)",
    responses=errors(400, 403),
)
def check_texts(body: GuardTexts, principal: Writer, ctx: Ctx) -> GuardResults:
    from escucha.engage.guard import check, load_lists

    settings, lists = ctx.workspace.config.guard, load_lists(ctx.workspace.path)
    results = [
        check(
            item.text,
            brand=item.brand,
            connection=item.connection,
            lang=item.lang or None,
            settings=settings,
            lists=lists,
        ).to_json(item.id, body.reasons_lang)
        for item in body.items
    ]
    return GuardResults(results=[GuardResult(**r) for r in results])


@router.get(
    "/disclosures",
    response_model=Disclosures,
    summary="Posts by people connected to the brand that need a disclosure, with a reminder",
)
def list_disclosures(principal: Reader, ctx: Ctx) -> Disclosures:
    from escucha.engage.disclosures import disclosures_needed

    return Disclosures(items=disclosures_needed(ctx.workspace))


class PromotionalShare(BaseModel):
    posts: int = Field(description="our accounts' posts in the window")
    promotional: int = Field(description="... of which promote a sale (offer, call, urgency)")
    share: float
    threshold: float = Field(description="[guard] promotional_share_max")
    window_days: int
    warn: bool = Field(description="the share is above the threshold")


class GiveAsk(BaseModel):
    months: int = Field(description="the ledger's months counted, this one included")
    gives: int
    asks: int
    ratio: float | None = Field(description="gives per ask; null without asks")
    warn: bool = Field(description="we asked more than we gave")


class Honesty(BaseModel):
    promotional: PromotionalShare
    give_ask: GiveAsk


@router.get(
    "/honesty",
    response_model=Honesty,
    summary="The brand's honesty: the promotional share of our posts and the give/ask ratio",
)
def get_honesty(principal: Reader, ctx: Ctx) -> Honesty:
    from escucha.engage.honesty import brand_honesty

    return Honesty(**brand_honesty(ctx.workspace))
