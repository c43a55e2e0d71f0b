"""Posts as pandas DataFrames, for analysts, the report and exports.

The frame is built from bounded chunks of rows (a server-side cursor on PostgreSQL), so
the rows fetched as Python objects never outnumber one chunk: building it costs little more
than the frame itself (docs/benchmarks.md, "The posts frame in bounded chunks")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from escucha.reads.posts import POST_COLUMNS, brands_query, posts_query
from escucha.store.schema import posts

if TYPE_CHECKING:
    import pandas as pd

    from escucha.core.context import Context

IN_LIST_LIMIT = 10_000  # above this many ids, read everything and filter in pandas
CHUNK_ROWS = 20_000  # rows fetched and turned into a part of the frame at a time
INSIGHT_COLUMNS = (
    *("id", "native_id", "author", "text", "created_at", "url"),
    *("model_version", "lang", "sentiment", "intents", "followers", "engagement", "brands"),
)
"""What the themes, the competitor table, the opportunities and the drivers read of a post
(the web's pages keep this narrower frame: no thread ids, probabilities or other counts)."""


def posts_frame(
    context: Context,
    all_versions: bool = False,
    ids: list[int] | None = None,
    columns: Sequence[str] = POST_COLUMNS,
    compact: bool = False,
) -> pd.DataFrame:
    """One row per post (per model version if `all_versions`), ordered by id: `columns` (of
    escucha.reads.posts' POST_COLUMNS, "id" always among them) in POST_COLUMNS' order, brands
    as a list.

    Posts the current model has not read yet have empty enrichment columns. `ids` keeps only
    those posts. `compact`, for readers that never change the frame's values (the web's
    pages): the model version is a category, and rows with the same brands (intents) hold
    one shared list, which must not be mutated: 40% less memory at 1M posts.
    """
    import pandas as pd

    from escucha.enrich import current_model_version

    names = [c for c in POST_COLUMNS if c in columns and c != "brands"]
    if "id" not in names:
        raise ValueError("the posts frame needs the 'id' column")
    query = posts_query(None if all_versions else current_model_version(context), names)
    query = query.order_by(posts.c.id)
    mentions = brands_query()
    keep = None
    if ids is not None and len(ids) <= IN_LIST_LIMIT:
        query = query.where(posts.c.id.in_(ids))
        mentions = brands_query(ids)
    elif ids is not None:
        keep = pd.Index(ids).unique()
    shared = _Shared(compact)
    parts = []
    stream = {"stream_results": True, "yield_per": CHUNK_ROWS}
    with context.engine.connect() as conn:
        result = conn.execute(query, execution_options=stream)
        brands = None
        if "brands" in columns:
            brands = _Brands(iter(conn.execute(mentions, execution_options=stream)), shared)
        for chunk in result.partitions(CHUNK_ROWS):
            part = pd.DataFrame.from_records(chunk, columns=names)
            if brands is not None:
                part["brands"] = brands.lists(part["id"].tolist())
            if keep is not None:
                part = part[part["id"].isin(keep)]
            parts.append(_converted(part, shared))
    if not parts:
        empty = _converted(pd.DataFrame.from_records([], columns=names), shared)
        if brands is not None:
            empty["brands"] = []
        return empty
    frame = _joined(parts)
    if compact and "model_version" in frame:
        frame["model_version"] = frame["model_version"].astype("category")
    return frame


class _Shared:
    """One object per distinct label, however many lists hold it; with `lists`, one list
    per distinct list of labels too."""

    def __init__(self, lists: bool) -> None:
        self.labels: dict[str, str] = {}
        self.lists: dict[tuple[str, ...], list[str]] | None = {} if lists else None

    def label(self, value: str) -> str:
        return self.labels.setdefault(value, value)

    def list(self, values: Sequence[str]) -> list[str]:
        if self.lists is None:
            return [self.label(v) for v in values]
        key = tuple(values)
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = [self.label(v) for v in values]
        return found


def _converted(part: pd.DataFrame, shared: _Shared) -> pd.DataFrame:
    """A chunk's dates as UTC timestamps, intents as lists."""
    import pandas as pd

    if "created_at" in part:
        part["created_at"] = pd.to_datetime(part["created_at"], utc=True)
    if "intents" in part:
        part["intents"] = [
            shared.list(v) if isinstance(v, list) else shared.list(()) for v in part["intents"]
        ]
    return part


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts as one frame, emptied as it is built (a column at a time, so that the
    frame is not held twice), each column of the dtype one frame of all the rows would
    have had (`_column`)."""
    import pandas as pd

    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    names = list(parts[0].columns)
    columns = {name: _column([p.pop(name) for p in parts]) for name in names}
    return pd.DataFrame(columns, copy=False)


def _column(pieces: list[pd.Series]) -> pd.Series:
    """One column from its pieces: a piece all missing (object) takes the others' dtype
    (float for numbers: a missing value makes integers float)."""
    import pandas as pd

    missing = [p.isna().all() for p in pieces]
    dtypes = {p.dtype for p, m in zip(pieces, missing, strict=True) if not m}
    target = None
    if any(missing) and dtypes:
        if all(pd.api.types.is_numeric_dtype(d) for d in dtypes):
            target = next(iter(dtypes)) if dtypes == {"float64"} else "float64"
        elif len(dtypes) == 1:
            (target,) = dtypes
    if target is not None:
        pieces = [
            p.astype(target) if m and p.dtype != target else p
            for p, m in zip(pieces, missing, strict=True)
        ]
    return pd.concat(pieces, ignore_index=True)


class _Brands:
    """The brands of each post, read alongside the posts (both ordered by post id) instead
    of held for every post at once."""

    def __init__(self, rows: Iterator[Any], shared: _Shared) -> None:
        self.rows = rows
        self.next = next(self.rows, None)
        self.shared = shared
        self.held: dict[int, list[str]] = {}  # the last post's, which the next chunk may repeat

    def lists(self, ids: list[int]) -> list[list[str]]:
        """Each post's brands, for ids ascending and never below the previous call's."""
        if not ids:
            return []
        last = ids[-1]
        found = self.held
        while self.next is not None and self.next[0] <= last:
            post_id, brand = self.next
            found.setdefault(post_id, []).append(self.shared.label(brand))
            self.next = next(self.rows, None)
        self.held = {last: found[last]} if last in found else {}
        return [self.shared.list(found.get(i, ())) for i in ids]


def posts_matching(ctx: Context, text: str, limit: int | None = None) -> pd.DataFrame:
    """The posts that match a boolean query (see docs/query-language.md), by id."""
    from escucha.enrich import current_model_version
    from escucha.query import parse, select_posts

    query = parse(text)
    with ctx.engine.connect() as conn:
        ids = select_posts(conn, query, current_model_version(ctx), limit=limit)
    return posts_frame(ctx, ids=ids)
