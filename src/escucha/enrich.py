"""`escucha analyze`: read every post the current models have not read yet, in batches.

Enrichments are keyed by (post, model version), so a new model adds its own rows and never
mixes with an old one's. Brand mentions are keyed by the brand rules' fingerprint: editing
the brands in escucha.toml re-matches every post.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from sqlalchemy import and_, delete, func, select

from escucha.brands import BrandMatcher
from escucha.errors import UserError
from escucha.langsettle import settle_unknown_languages
from escucha.store import generation
from escucha.store.schema import LIVE_POSTS, brand_mentions, enrichments, posts, settings
from escucha.store.stats import analyze_grown, vacuum_churned
from escucha.store.writer import dialect_insert, insert_ignore, put_setting

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy import Engine as SqlEngine

    from escucha.core.context import Context
    from escucha.understand import PostReader

BATCH_SIZE = 2000
PARTITION_SIZE = 5000  # posts per Dask task: large enough to amortise a round trip
BRANDS_KEY = "brand_matcher"
BRANDS_UPTO_KEY = "brand_matcher_upto"


@cache
def reader_for(languages: tuple[str, ...] | None = None) -> PostReader:
    from escucha.understand import load_reader

    return load_reader(list(languages) if languages else None)


def current_model_version(ctx: Context | None = None) -> str:
    """The version `analyze` records, without loading the models (status, queries, frames):
    the shipped models', or with a workspace `ctx` whose escucha.toml enables it, the
    workspace model's (`escucha train --from-labels`, docs/labels.md)."""
    from escucha.understand import shipped_version

    if ctx is not None:
        from escucha.understand.adapt import workspace_version

        own = workspace_version(ctx)
        if own is not None:
            return own
    return shipped_version()


def _unenriched(version: str):
    done = select(enrichments.c.post_id).where(
        and_(enrichments.c.model_version == version, enrichments.c.post_id == posts.c.id)
    )
    return and_(LIVE_POSTS, ~done.exists())


def enrichment_rows(
    reader: PostReader, rows: Sequence[Any], languages: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The enrichment rows of posts (rows with id, text, lang_hint), as the store keeps them."""
    texts = [r.text for r in rows]
    hints = [r.lang_hint if r.lang_hint in languages else None for r in rows]
    readings = reader.read(texts, hints)
    now = datetime.now(UTC)
    return [
        {
            "post_id": row.id,
            "model_version": reader.version,
            "lang": reading.lang,
            "sentiment": reading.sentiment,
            **reading.sentiment_scores,
            **reading.intents,
            "intents": list(reading.intent_labels),
            "enriched_at": now,
        }
        for row, reading in zip(rows, readings, strict=True)
    ]


def write_enrichments(conn: Connection, rows: list[dict[str, Any]], replace: bool) -> None:
    """Store enrichment rows; `replace`: a row of the same post and model version is
    overwritten (re-analysis), else kept (a second run adds nothing)."""
    if not rows:
        return
    key = ("post_id", "model_version")
    if not replace:
        conn.execute(insert_ignore(conn, enrichments, key), rows)
        return
    statement = dialect_insert(conn, enrichments)
    values = {name: statement.excluded[name] for name in rows[0] if name not in key}
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=values), rows)
    generation.bump(conn)  # readings replaced in place move no maximum (reads.versions)


def to_read(version: str, everything: bool):
    """The posts a run reads: every live post, or those the model version has not read."""
    return LIVE_POSTS if everything else _unenriched(version)


class Analysis(TypedDict):
    model_version: str
    enriched: int  # posts read by the model this time
    brand_mentions: int  # brand mentions found this time


Engine = Literal["local", "dask"]


def analyze(
    workspace: Context,
    progress: Callable[[int, int], None] | None = None,
    *,
    everything: bool = False,
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> Analysis:
    """Enrich what is new (`everything`: re-read every post with the current models, replacing
    this version's readings); return counts of posts read and brand mentions found.

    `engine="dask"` reads the posts on Dask workers (a local cluster of `workers` processes, or
    the scheduler at `scheduler`); the results are the same as the local engine's."""
    store = workspace.engine
    languages = workspace.config.languages
    reader = reader_for(tuple(languages))
    from escucha.understand.adapt import workspace_version

    if workspace_version(workspace) is not None:  # the workspace model, on the shipped reader
        from escucha.understand.adapt import CorrectedReader, load

        if engine != "local":
            raise UserError("the workspace model runs with --engine local only")
        reader = CorrectedReader(reader, load(workspace.path / "models") or {})  # type: ignore[assignment]
    matcher = BrandMatcher(workspace.config.brands)
    wanted = to_read(reader.version, everything)
    with store.begin() as conn:
        stored = conn.scalar(select(settings.c.value).where(settings.c.key == BRANDS_KEY))
        if stored != matcher.fingerprint:
            conn.execute(delete(brand_mentions))
            put_setting(conn, BRANDS_KEY, matcher.fingerprint)
            put_setting(conn, BRANDS_UPTO_KEY, "0")
        upto = int(conn.scalar(select(settings.c.value).where(settings.c.key == BRANDS_UPTO_KEY)))
        to_enrich = conn.scalar(select(func.count()).select_from(posts).where(wanted))
        to_match = conn.scalar(
            select(func.count()).select_from(posts).where(posts.c.id > upto, LIVE_POSTS)
        )
    # one post is one unit: the bar counts posts read, or posts matched when none is to read
    total, mentions = (to_enrich or to_match), 0
    if engine == "dask":
        enriched = _analyze_on_dask(
            workspace, reader.version, everything, workers, scheduler, total, progress
        )
    else:
        enriched = _analyze_here(store, reader, languages, everything, total, progress)
    done = enriched
    if enriched:
        with store.begin() as conn:
            settle_unknown_languages(conn, reader)
    while True:
        with store.begin() as conn:
            rows = conn.execute(
                select(posts.c.id, posts.c.text)
                .where(posts.c.id > upto, LIVE_POSTS)
                .order_by(posts.c.id)
                .limit(BATCH_SIZE)
            ).all()
            if not rows:
                break
            found = [
                {"post_id": row.id, "brand": brand, "matcher": matcher.fingerprint}
                for row in rows
                for brand in matcher.match(row.text)
            ]
            if found:
                conn.execute(
                    insert_ignore(conn, brand_mentions, ("post_id", "brand", "matcher")), found
                )
            upto = rows[-1].id
            put_setting(conn, BRANDS_UPTO_KEY, str(upto))
        mentions += len(found)
        if progress and not to_enrich:
            done += len(rows)
            progress(done, total)
    analyze_grown(store, {"enrichments": enriched, "brand_mentions": mentions})
    vacuum_churned(store)
    return {"model_version": reader.version, "enriched": enriched, "brand_mentions": mentions}


def _analyze_here(
    store: SqlEngine,
    reader: PostReader,
    languages: tuple[str, ...],
    everything: bool,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Read the posts in this process, a batch per transaction; return how many."""
    wanted = to_read(reader.version, everything)
    enriched, last_id = 0, 0
    while True:
        with store.begin() as conn:
            rows = conn.execute(
                select(posts.c.id, posts.c.text, posts.c.lang_hint)
                .where(posts.c.id > last_id, wanted)
                .order_by(posts.c.id)
                .limit(BATCH_SIZE)
            ).all()
            if not rows:
                return enriched
            write_enrichments(conn, enrichment_rows(reader, rows, languages), everything)
        last_id = rows[-1].id
        enriched += len(rows)
        if progress:
            progress(enriched, total)


@cache
def _store(url: str) -> SqlEngine:
    """One engine per Dask worker process and store."""
    from escucha.store.db import make_engine

    return make_engine(url)


def read_partition(
    url: str, languages: tuple[str, ...], everything: bool, first: int, last: int
) -> list[dict[str, Any]]:
    """On a Dask worker: the enrichment rows of the posts with ids first..last this run reads.

    The worker reads the texts from the store itself and loads the models once per process."""
    reader = reader_for(languages)
    with _store(url).connect() as conn:
        rows = conn.execute(
            select(posts.c.id, posts.c.text, posts.c.lang_hint)
            .where(posts.c.id >= first, posts.c.id <= last, to_read(reader.version, everything))
            .order_by(posts.c.id)
        ).all()
    return enrichment_rows(reader, rows, languages)


def id_ranges(
    store: SqlEngine, version: str, everything: bool, size: int | None = None
) -> Iterator[tuple[int, int]]:
    """(first id, last id) of consecutive runs of `size` (PARTITION_SIZE) posts to read."""
    size = size or PARTITION_SIZE
    with store.connect() as conn:
        ids = conn.execution_options(yield_per=size).execute(
            select(posts.c.id).where(to_read(version, everything)).order_by(posts.c.id)
        )
        for chunk in ids.partitions():
            yield chunk[0].id, chunk[-1].id


def _analyze_on_dask(
    ctx: Context,
    version: str,
    everything: bool,
    workers: int | None,
    scheduler: str | None,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Read the posts on Dask workers, a partition of ids per task; write each partition's
    rows here in one transaction. Return how many posts were read."""
    from escucha.config import database_url
    from escucha.dask_engine import require_dask, run_partitions

    require_dask()
    enriched = 0

    def write(rows: list[dict[str, Any]]) -> None:
        nonlocal enriched
        with ctx.engine.begin() as conn:
            write_enrichments(conn, rows, everything)
        enriched += len(rows)
        if progress:
            progress(enriched, total)

    run_partitions(
        read_partition,
        (database_url(ctx.path, ctx.config), tuple(ctx.config.languages), everything),
        # listed before any write: an open read of a SQLite store would keep its WAL growing
        list(id_ranges(ctx.engine, version, everything)),
        write,
        workers=workers,
        scheduler=scheduler,
    )
    return enriched
