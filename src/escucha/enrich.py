"""`escucha analyze`: read every post the current models have not read yet, in batches.

Enrichments are keyed by (post, model version), so a new model adds its own rows and never
mixes with an old one's. Brand mentions are keyed by the brand rules' fingerprint: editing
the brands in escucha.toml re-matches every post.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, TypedDict

from sqlalchemy import and_, delete, func, select

from escucha.brands import BrandMatcher
from escucha.langsettle import settle_unknown_languages
from escucha.store.schema import LIVE_POSTS, brand_mentions, enrichments, posts, settings
from escucha.store.writer import insert_ignore, put_setting

if TYPE_CHECKING:
    from escucha.core.context import Context
    from escucha.understand import PostReader

BATCH_SIZE = 2000
BRANDS_KEY = "brand_matcher"
BRANDS_UPTO_KEY = "brand_matcher_upto"


@cache
def reader_for(languages: tuple[str, ...] | None = None) -> PostReader:
    from escucha.understand import load_reader

    return load_reader(list(languages) if languages else None)


def current_model_version() -> str:
    """The version `analyze` records, without loading the models (status, queries, frames)."""
    from escucha.understand import shipped_version

    return shipped_version()


def _unenriched(version: str):
    done = select(enrichments.c.post_id).where(
        and_(enrichments.c.model_version == version, enrichments.c.post_id == posts.c.id)
    )
    return and_(LIVE_POSTS, ~done.exists())


def _enrich_batch(conn, reader: PostReader, rows, languages: tuple[str, ...]) -> None:
    texts = [r.text for r in rows]
    hints = [r.lang_hint if r.lang_hint in languages else None for r in rows]
    readings = reader.read(texts, hints)
    now = datetime.now(UTC)
    conn.execute(
        insert_ignore(conn, enrichments, ("post_id", "model_version")),
        [
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
        ],
    )


class Analysis(TypedDict):
    model_version: str
    enriched: int  # posts read by the model this time
    brand_mentions: int  # brand mentions found this time


def analyze(workspace: Context, progress: Callable[[int, int], None] | None = None) -> Analysis:
    """Enrich what is new; return counts of posts read and brand mentions found."""
    engine = workspace.engine
    languages = workspace.config.languages
    reader = reader_for(tuple(languages))
    matcher = BrandMatcher(workspace.config.brands)
    with engine.begin() as conn:
        stored = conn.scalar(select(settings.c.value).where(settings.c.key == BRANDS_KEY))
        if stored != matcher.fingerprint:
            conn.execute(delete(brand_mentions))
            put_setting(conn, BRANDS_KEY, matcher.fingerprint)
            put_setting(conn, BRANDS_UPTO_KEY, "0")
        upto = int(conn.scalar(select(settings.c.value).where(settings.c.key == BRANDS_UPTO_KEY)))
        to_enrich = conn.scalar(
            select(func.count()).select_from(posts).where(_unenriched(reader.version))
        )
        to_match = conn.scalar(
            select(func.count()).select_from(posts).where(posts.c.id > upto, LIVE_POSTS)
        )
    total, done = to_enrich + to_match, 0
    enriched = mentions = 0
    last_id = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(posts.c.id, posts.c.text, posts.c.lang_hint)
                .where(posts.c.id > last_id, _unenriched(reader.version))
                .order_by(posts.c.id)
                .limit(BATCH_SIZE)
            ).all()
            if not rows:
                break
            _enrich_batch(conn, reader, rows, languages)
        last_id = rows[-1].id
        enriched += len(rows)
        done += len(rows)
        if progress:
            progress(done, total)
    if enriched:
        with engine.begin() as conn:
            settle_unknown_languages(conn, reader)
    while True:
        with engine.begin() as conn:
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
        done += len(rows)
        if progress:
            progress(done, total)
    return {"model_version": reader.version, "enriched": enriched, "brand_mentions": mentions}
