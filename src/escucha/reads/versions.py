"""The store's data version: cheap to read, different after any change the pages show."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from escucha.store import generation
from escucha.store.schema import enrichments, posts, settings


def data_version(conn: Connection, model_version: str) -> tuple:
    """Indexed maxima and three settings: moves whenever posts are added, enriched, edited,
    deleted or erased, or brands re-matched. Read from the store on every request, so it is the
    same in every web worker process."""
    top_post = conn.scalar(select(func.max(posts.c.id)))
    top_enrichment = conn.scalar(select(func.max(enrichments.c.id)))
    matcher = dict(
        conn.execute(
            select(settings.c.key, settings.c.value).where(
                settings.c.key.in_(("brand_matcher", "brand_matcher_upto", generation.KEY))
            )
        ).all()
    )
    return (
        model_version,
        top_post,
        top_enrichment,
        matcher.get("brand_matcher"),
        matcher.get("brand_matcher_upto"),
        matcher.get(generation.KEY),
    )
