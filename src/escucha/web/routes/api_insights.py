"""The REST API's themes, concerns, idea backlog and alerts, /api/v1 (token auth as the rest)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from escucha.insights.periods import PeriodChoice
from escucha.web.deps import Ctx, Principal, api_principal, api_writer
from escucha.web.filters import PostFilter, post_filter
from escucha.web.params import Day, Id
from escucha.web.periods import period_choice
from escucha.web.responses import AUTHENTICATED, FILTERED, errors
from escucha.web.service import Insights, get_insights
from escucha.web.themes import theme_intents

router = APIRouter(prefix="/api/v1", responses=AUTHENTICATED, tags=["api"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]
Data = Annotated[Insights, Depends(get_insights)]
Filter = Annotated[PostFilter, Depends(post_filter)]
Choice = Annotated[PeriodChoice, Depends(period_choice)]
Status = Literal["open", "planned", "started", "testing", "completed", "declined", "duplicate"]


class ThemeOut(BaseModel):
    id: str
    intent: str
    label: str
    lang: str
    size: int
    other: bool
    post_ids: list[str]
    terms: list[dict[str, Any]]
    trend: dict[str, Any]
    sentiment: dict[str, Any]
    brands: dict[str, int]
    quotes: list[dict[str, Any]]
    brand_posts: int | None = Field(
        None, description="with `brand`: its posts in the theme (else null)"
    )
    brand_share: float | None = Field(
        None, description="with `brand`: brand_posts over its posts in the language's themes"
    )


class ThemeList(BaseModel):
    themes: list[ThemeOut]


class Idea(BaseModel):
    id: int
    key: str
    title: str
    lang: str
    status: str
    merged_into: int | None
    posts: int
    askers: int
    lead: bool = Field(description="fewer than two askers: a lead until a second person asks")
    first_seen: datetime | None
    last_seen: datetime | None
    trend: list[int]
    trend_days: int


class IdeaChange(BaseModel):
    status: Literal["open", "planned", "started", "testing", "completed", "declined"]


class Delivery(BaseModel):
    channel: str
    status: str
    attempts: int
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    error: str | None


class Alert(BaseModel):
    id: int
    rule: str
    metric: str
    subject: str
    window_start: datetime
    window_end: datetime
    value: float
    message: str
    details: dict[str, Any]
    state: str
    fired_at: datetime
    deliveries: list[Delivery]


@router.get(
    "/themes",
    response_model=ThemeList,
    summary="Themes of the filtered posts, per language (as `escucha themes --json`)",
    responses=FILTERED,
)
def themes(principal: Reader, data: Data, flt: Filter) -> ThemeList:
    """Without a filter: the complaints' and the wishes' themes. With `intent`: the themes of
    the posts flagged with it. With a query `q`: every matching post's themes. Other filters
    narrow the posts, but `brand` does not: it keeps the themes (of the other filters) that
    hold the brand's posts, most of them first, with `brand_posts` and `brand_share`, so the
    first of a language is the brand's top concern as /concerns says. `post_ids` are native
    ids; the "other" bucket of each language is last."""
    finding = data.filter_themes(flt, theme_intents(flt))
    themes = []
    for intent, found in finding.themes.items():
        for theme in found:
            mine = finding.mine.get(theme.id)
            out = ThemeOut(**theme.to_dict(), intent=intent)
            if mine is not None:
                out.brand_posts, out.brand_share = mine.posts, mine.share
            themes.append(out)
    return ThemeList(themes=themes)


class DataPeriod(BaseModel):
    lang: str
    first: date
    last: date
    posts: int


class BrandConcern(BaseModel):
    lang: str
    brand: str
    rank: int = Field(description="1: the brand's top concern")
    label: str
    posts: int = Field(description="the brand's posts in the theme")


class Concerns(BaseModel):
    periods: list[DataPeriod]
    concerns: list[BrandConcern]


@router.get(
    "/concerns",
    response_model=Concerns,
    summary="Each brand's top concerns and each language's data period",
    responses=FILTERED,
)
def concerns(principal: Reader, data: Data, choice: Choice) -> Concerns:
    """Per language and brand: its top complaint themes (the themes of every brand's
    complaints, ranked by the brand's posts in them: what the report, the competitors page
    and `Workspace.concerns()` show), and the first and last day of each language's posts,
    all of the period chosen (`period`, `date_from`, `date_to`; every post without one)."""
    from dataclasses import asdict

    from escucha.insights.concerns import concern_rows

    pv = data.period(choice)
    names = [b["name"] for b in data.brand_dicts()]
    found = concern_rows(data.scope_themes(pv.current).themes, names)
    return Concerns(
        periods=[DataPeriod(**asdict(p)) for p in data.language_periods(pv.current)],
        concerns=[BrandConcern(**asdict(c)) for c in found],
    )


class TopAuthor(BaseModel):
    author: str
    source: str
    posts: int
    negative: int
    negative_share: float
    followers: int | None  # the most they had when a post of theirs was collected
    engagement: int | None  # their posts' likes + reposts + replies + score


@router.get(
    "/authors",
    response_model=list[TopAuthor],
    summary="The top authors by posts, by reach or by engagement",
)
def top_authors(
    principal: Reader,
    data: Data,
    by: Literal["posts", "reach", "engagement"] = "posts",
    limit: Annotated[int, Query(ge=1, le=500)] = 15,
) -> list[TopAuthor]:
    from escucha.i18n.format import missing
    from escucha.insights import active_authors

    table = active_authors(data.frame(), n=limit, by=by)
    return [
        TopAuthor(
            author=r.author,
            source=r.source,
            posts=int(r.posts),
            negative=int(r.negative),
            negative_share=float(r.negative_share),
            followers=None if missing(r.followers) else int(r.followers),
            engagement=None if missing(r.engagement) else int(r.engagement),
        )
        for r in table.itertuples()
    ]


class CategoryVoice(BaseModel):
    brand: str
    mentions: int
    share: float


class CategoryRow(BaseModel):
    category: str
    query: str | None  # None: posts tagged by hand only
    posts: int  # tagged by hand or matching the query, dated in the period
    share: float | None  # of all posts dated in the period
    tagged: int  # live posts tagged by hand (any date)
    positive: int
    neutral: int
    negative: int
    net: float | None
    ci_low: float | None
    ci_high: float | None
    too_few: bool
    brands: list[CategoryVoice]


@router.get(
    "/categories",
    response_model=list[CategoryRow],
    summary="The custom categories: posts, share, sentiment and share of voice in a period",
    responses=errors(400),
)
def categories(
    principal: Reader,
    data: Data,
    date_from: Annotated[Day | None, Query(description="First day (UTC).")] = None,
    date_to: Annotated[Day | None, Query(description="Last day (UTC), included.")] = None,
) -> list[CategoryRow]:
    from escucha.i18n.format import missing
    from escucha.insights.categories import category_tables
    from escucha.insights.periods import Period

    period = None
    if date_from or date_to:
        oldest, newest = data.days()
        start, end = date_from or oldest, date_to or newest
        period = Period(start, end) if start and end else None
    with data.engine.connect() as conn:
        table, voices = category_tables(conn, data.model_version, period)

    def num(value: Any) -> float | None:
        return None if missing(value) else float(value)

    return [
        CategoryRow(
            category=r.category,
            query=r.query if isinstance(r.query, str) else None,
            posts=int(r.posts),
            share=num(r.share),
            tagged=int(r.tagged),
            positive=int(r.positive),
            neutral=int(r.neutral),
            negative=int(r.negative),
            net=num(r.net),
            ci_low=num(r.ci_low),
            ci_high=num(r.ci_high),
            too_few=bool(r.too_few),
            brands=[
                CategoryVoice(brand=b.brand, mentions=int(b.mentions), share=float(b.share))
                for b in voices[voices["category"] == r.category].itertuples(index=False)
            ],
        )
        for r in table.itertuples(index=False)
    ]


@router.get("/ideas", response_model=list[Idea], summary="The idea backlog, most posts first")
def ideas(
    principal: Reader,
    ctx: Ctx,
    status: Annotated[Status | None, Query(description="Only ideas with this status.")] = None,
    lang: Annotated[str | None, Query(max_length=16, description="Language code.")] = None,
) -> list[Idea]:
    from escucha.ideas import list_ideas

    return [Idea(**i) for i in list_ideas(ctx.workspace, status=status, lang=lang)]


@router.patch(
    "/ideas/{idea_id}",
    response_model=Idea,
    summary="Change an idea's status",
    responses=errors(400, 403, 404, 409),
)
def change_idea(idea_id: Id, change: IdeaChange, principal: Writer, ctx: Ctx) -> Idea:
    from escucha.ideas import list_ideas, set_status

    set_status(ctx.workspace, idea_id, change.status)
    found = list_ideas(ctx.workspace, include_duplicates=True)
    return Idea(**next(i for i in found if i["id"] == idea_id))


@router.get("/alerts", response_model=list[Alert], summary="The latest alerts, newest first")
def alerts(
    principal: Reader, ctx: Ctx, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> list[Alert]:
    from escucha.alerts import alert_history

    return [Alert(**a) for a in alert_history(ctx.workspace, limit=limit)]
