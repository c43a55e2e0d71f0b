"""Posts as pandas DataFrames, for analysts, the report and exports."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import and_, select

from escucha.store.schema import brand_mentions, enrichments, posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context

ENRICHMENT_COLUMNS = (
    "model_version",
    "lang",
    "sentiment",
    "negative",
    "neutral",
    "positive",
    "wish",
    "complaint",
    "question",
    "praise",
    "promo",
    "intents",
)


IN_LIST_LIMIT = 10_000  # above this many ids, read everything and filter in pandas


def posts_frame(
    workspace: Context, all_versions: bool = False, ids: list[int] | None = None
) -> pd.DataFrame:
    """One row per post (per model version if `all_versions`), with brands as a list.

    Posts the current model has not read yet have empty enrichment columns. `ids` keeps only
    those posts.
    """
    import pandas as pd

    from escucha.enrich import current_model_version

    join = posts.c.id == enrichments.c.post_id
    if not all_versions:
        join = and_(join, enrichments.c.model_version == current_model_version())
    query = (
        select(
            posts.c.id,
            posts.c.source,
            posts.c.native_id,
            posts.c.author_handle.label("author"),
            posts.c.text,
            posts.c.created_at,
            posts.c.url,
            posts.c.parent_id,
            posts.c.root_id,
            *(enrichments.c[name] for name in ENRICHMENT_COLUMNS),
        )
        .select_from(posts.outerjoin(enrichments, join))
        .order_by(posts.c.id)
    )
    mentions = select(brand_mentions.c.post_id, brand_mentions.c.brand)
    if ids is not None and len(ids) <= IN_LIST_LIMIT:
        query = query.where(posts.c.id.in_(ids))
        mentions = mentions.where(brand_mentions.c.post_id.in_(ids))
    brands: dict[int, list[str]] = defaultdict(list)
    with workspace.engine.connect() as conn:
        rows = conn.execute(query).all()
        for post_id, brand in conn.execute(mentions.order_by(brand_mentions.c.post_id)):
            brands[post_id].append(brand)
    frame = pd.DataFrame.from_records(rows, columns=list(query.selected_columns.keys()))
    if ids is not None and len(ids) > IN_LIST_LIMIT:
        frame = frame[frame["id"].isin(ids)].reset_index(drop=True)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["brands"] = [brands.get(i, []) for i in frame["id"]]
    frame["intents"] = [list(v) if isinstance(v, list) else [] for v in frame["intents"]]
    return frame


def posts_matching(ctx: Context, text: str, limit: int | None = None) -> pd.DataFrame:
    """The posts that match a boolean query (see docs/query-language.md), by id."""
    from escucha.enrich import current_model_version
    from escucha.query import parse, select_posts

    query = parse(text)
    with ctx.engine.connect() as conn:
        ids = select_posts(conn, query, current_model_version(), limit=limit)
    return posts_frame(ctx, ids=ids)
