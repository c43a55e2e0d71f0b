"""The REST API, /api/v1: token auth (Authorization: Bearer), read and write scopes.

The same filters as the explorer (a boolean query `q` plus brand, lang, sentiment, intent,
source, date_from, date_to) select posts for listing, exporting and aggregating."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, get_type_hints

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from escucha.reads.posts import PostRow, detail, fetch, page
from escucha.web.deps import Ctx, Principal, api_principal, api_writer
from escucha.web.exports import json_record, streaming_export
from escucha.web.filters import PostFilter, post_filter
from escucha.web.params import Id
from escucha.web.responses import AUTHENTICATED, FILTERED, errors
from escucha.web.service import Insights, get_insights

router = APIRouter(prefix="/api/v1", responses=AUTHENTICATED, tags=["api"])
Reader = Annotated[Principal, Depends(api_principal)]
Writer = Annotated[Principal, Depends(api_writer)]
Data = Annotated[Insights, Depends(get_insights)]
Filter = Annotated[PostFilter, Depends(post_filter)]


def _model_of(name: str, record: type) -> type[BaseModel]:
    """A response model with the fields of one of the read layer's records, so the API's
    schema cannot drift from what the read layer gives."""
    return create_model(name, **{k: (v, ...) for k, v in get_type_hints(record).items()})


Post = _model_of("Post", PostRow)


class PostDetail(Post):
    lang_hint: str | None
    fetched_at: datetime | None
    parent_id: str | None
    root_id: str | None
    import_run_id: int | None
    display_name: str | None
    counted_at: datetime | None
    raw_payload: Any


class PostPage(BaseModel):
    items: list[Post]
    total: int
    next_cursor: str | None


class ShareRow(BaseModel):
    lang: str | None = None
    brand: str
    mentions: int
    share: float
    reach: int | None = None  # the mentioning posts' authors' followers when collected, summed
    reach_known: int | None = None  # how many of the mentions had a follower count
    reach_share: float | None = None  # share of voice by reach; null where no reach is known


class SentimentRow(BaseModel):
    lang: str | None = None
    brand: str
    posts: int
    positive: int
    neutral: int
    negative: int
    net: float | None
    ci_low: float | None
    ci_high: float | None
    too_few: bool


class Me(BaseModel):
    user: str
    role: str
    scope: str


@router.get("/me", response_model=Me, summary="Who this token acts for")
def me(principal: Reader) -> Me:
    return Me(user=principal.user.name, role=principal.user.role, scope=principal.scope)


@router.get(
    "/posts",
    response_model=PostPage,
    summary="Posts matching the filters, newest stored first or in a chosen order",
    responses=FILTERED,
)
def list_posts(
    principal: Reader,
    data: Data,
    flt: Filter,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            description="next_cursor of the previous page (of the same sort)",
            pattern=r"^\d{1,18}$",
        ),
    ] = None,
    sort: Annotated[
        Literal["stored", "newest", "oldest", "engagement", "reach"],
        Query(
            description="stored: newest stored first; newest / oldest: by the post's date; "
            "engagement: likes + reposts + replies + score, highest first; reach: the "
            "author's followers when collected, highest first (posts without it last)"
        ),
    ] = "stored",
) -> Response:
    if sort != "stored":
        return _json(_sorted_page(data, flt, sort, limit, int(cursor) if cursor else 0))
    if cursor is None:  # the first pages are asked for again and again: sent as kept bytes
        return _shared_json(data, ("posts", flt, limit), lambda: _stored_page(data, flt, limit))
    return _json(_stored_page(data, flt, limit, int(cursor)))


def _stored_page(
    data: Insights, flt: PostFilter, limit: int, cursor: int | None = None
) -> PostPage:
    """A page of the posts newest stored first, from `cursor` (a post id) down."""
    # before taking a connection: it may need its own
    selection, total = data.listing(flt.compile())
    with data.engine.connect() as conn:
        rows, next_id = page(conn, selection, data.model_version, cursor, limit)
    return PostPage(
        items=[Post(**json_record(r)) for r in rows],
        total=total,
        next_cursor=str(next_id) if next_id else None,
    )


def _json(answer: BaseModel | list[BaseModel]) -> Response:
    """An answer already shaped as its response model, serialised by pydantic as FastAPI
    would (without validating it a second time)."""
    if isinstance(answer, list):
        body = b"[" + b",".join(row.model_dump_json().encode() for row in answer) + b"]"
    else:
        body = answer.model_dump_json().encode()
    return Response(body, media_type="application/json")


def _shared_json(
    data: Insights, key: tuple, answer: Callable[[], BaseModel | list[BaseModel]]
) -> Response:
    """An answer that is the same for every token: serialised once per data version and
    `key` (everything else it depends on), then sent as those bytes."""
    body = data.shared_answer(("api", *key), lambda: _json(answer()).body)
    return Response(body, media_type="application/json")


def _sorted_page(data: Insights, flt: PostFilter, sort: str, limit: int, start: int) -> PostPage:
    """A page of the posts in `sort` order (the explorer's); the cursor is the next position."""
    query = flt.compile()
    total = data.selected(query, sort)  # before taking a connection: it may need its own
    ids = data.window(query, sort, start, start + limit)
    with data.engine.connect() as conn:
        rows = fetch(conn, ids, data.model_version)
    end = start + limit
    return PostPage(
        items=[Post(**json_record(r)) for r in rows],
        total=total,
        next_cursor=str(end) if end < total else None,
    )


@router.get(
    "/posts/export",
    summary="Every post matching the filters, as a streamed CSV, JSON or Parquet file",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}, **FILTERED},
)
def export_posts(
    principal: Reader,
    data: Data,
    flt: Filter,
    format: Literal["csv", "json", "parquet"] = "csv",
) -> Response:
    return streaming_export(data, data.selection(flt.compile()), format)


@router.get(
    "/posts/{post_id}",
    response_model=PostDetail,
    summary="One post, with raw payload",
    responses=errors(404),
)
def get_post(post_id: Id, principal: Reader, data: Data) -> Response:
    with data.engine.connect() as conn:
        post: dict[str, Any] = dict(detail(conn, post_id, data.model_version))
    pretty = post.pop("payload_pretty")
    try:
        raw = json.loads(pretty) if pretty is not None else None
    except ValueError:
        raw = pretty
    return _json(PostDetail(**post, raw_payload=raw))


def _records(frame) -> list[dict]:
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame.to_dict(orient="records")
    ]


class LabelChange(BaseModel):
    """Leave a field out to keep it; `restore` gives the post back to the model (its
    categories stay). `categories`: the custom categories the post is tagged with by hand,
    exactly (an empty list removes them all)."""

    sentiment: Literal["negative", "neutral", "positive"] | None = None
    intents: list[Literal["wish", "complaint", "question", "praise", "promo"]] | None = None
    categories: list[Annotated[str, Field(max_length=64)]] | None = Field(None, max_length=100)
    restore: bool = False


class Labels(BaseModel):
    sentiment: str | None
    intents: list[str]
    categories: list[str] = []  # tagged by hand


@router.patch(
    "/posts/{post_id}/labels",
    response_model=Labels,
    summary="Relabel a post (an analyst's labels override the model's everywhere; audited)",
    responses=errors(400, 403, 404),
)
def relabel_post(post_id: Id, change: LabelChange, principal: Writer, data: Data) -> Labels:
    from escucha.understand.categories import hand_tags, set_tags
    from escucha.understand.corrections import clear_labels, relabel

    who, version = principal.user.name, data.model_version
    if change.categories is not None:
        set_tags(data.engine, post_id, who, change.categories)
    if change.restore:
        shown = clear_labels(data.engine, post_id, who, version)
    else:
        shown = relabel(
            data.engine, post_id, who, version, sentiment=change.sentiment, intents=change.intents
        )
    with data.engine.connect() as conn:
        return Labels(**shown, categories=hand_tags(conn, post_id))


@router.get(
    "/share-of-voice",
    response_model=list[ShareRow],
    summary="Share of voice per brand",
    responses=FILTERED,
)
def share_of_voice(principal: Reader, data: Data, flt: Filter, by_lang: bool = True) -> Response:
    from escucha.insights import share_from_counts

    query = flt.compile()

    def compute() -> list[ShareRow]:
        counts = data.counts(query)
        return [ShareRow(**r) for r in _records(share_from_counts(counts, by_lang=by_lang))]

    return _shared_json(data, ("share-of-voice", query.text if query else None, by_lang), compute)


@router.get(
    "/net-sentiment",
    response_model=list[SentimentRow],
    summary="Net sentiment per brand",
    responses=FILTERED,
)
def net_sentiment(principal: Reader, data: Data, flt: Filter, by_lang: bool = True) -> Response:
    from escucha.insights import net_sentiment_from_counts

    query = flt.compile()

    def compute() -> list[SentimentRow]:
        rows = _records(net_sentiment_from_counts(data.counts(query), by_lang=by_lang))
        return [SentimentRow(**r) for r in rows]

    return _shared_json(data, ("net-sentiment", query.text if query else None, by_lang), compute)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    summary="Revoke one of your tokens",
    responses=errors(403, 404),
)
def revoke_token(token_id: Id, principal: Writer, ctx: Ctx) -> Response:
    from escucha.auth.tokens import revoke_token as revoke

    if not revoke(ctx.engine, token_id, user_id=principal.user.id):
        raise HTTPException(404, "no such token of yours")
    return Response(status_code=204)
