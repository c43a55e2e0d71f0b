"""Posts as pandas DataFrames, for analysts, the report and exports."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from escucha.reads.posts import brands_query, posts_query
from escucha.store.schema import posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context

IN_LIST_LIMIT = 10_000  # above this many ids, read everything and filter in pandas


def posts_frame(
    context: Context, all_versions: bool = False, ids: list[int] | None = None
) -> pd.DataFrame:
    """One row per post (per model version if `all_versions`): escucha.reads.posts'
    POST_COLUMNS, in that order, brands as a list.

    Posts the current model has not read yet have empty enrichment columns. `ids` keeps only
    those posts.
    """
    import pandas as pd

    from escucha.enrich import current_model_version

    query = posts_query(None if all_versions else current_model_version(context)).order_by(
        posts.c.id
    )
    mentions = brands_query()
    if ids is not None and len(ids) <= IN_LIST_LIMIT:
        query = query.where(posts.c.id.in_(ids))
        mentions = brands_query(ids)
    brands: dict[int, list[str]] = defaultdict(list)
    with context.engine.connect() as conn:
        rows = conn.execute(query).all()
        for post_id, brand in conn.execute(mentions):
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
        ids = select_posts(conn, query, current_model_version(ctx), limit=limit)
    return posts_frame(ctx, ids=ids)
