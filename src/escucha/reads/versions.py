"""The store's data version: cheap to read, different after any change the pages show."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, ScalarSelect, func, select

from escucha.store import generation
from escucha.store.db import reading
from escucha.store.schema import categories, enrichments, label_changes, posts, settings


def current_version(engine: Engine, model_version: str) -> tuple:
    """`data_version` on a connection of its own, read without a transaction around it (the
    one statement sees one snapshot anyway): what a web request checks its caches against."""
    with reading(engine) as conn:
        return data_version(conn, model_version)


def data_version(conn: Connection, model_version: str) -> tuple:
    """Indexed maxima and three settings: moves whenever posts are added, enriched, relabelled
    or tagged, edited, deleted or erased, categories defined or removed, brands re-matched,
    or reach and engagement counts stored (a re-import refreshes them: the writer bumps the
    generation). Read from the store on every request, so it is the same in every web worker
    process."""

    def setting(key: str) -> ScalarSelect:
        return select(settings.c.value).where(settings.c.key == key).scalar_subquery()

    row = conn.execute(  # one round trip: it is read on every request
        select(
            select(func.max(posts.c.id)).scalar_subquery(),
            select(func.max(enrichments.c.id)).scalar_subquery(),
            select(func.max(label_changes.c.id)).scalar_subquery(),
            select(func.count()).select_from(categories).scalar_subquery(),
            select(func.max(categories.c.id)).scalar_subquery(),
            setting("brand_matcher"),
            setting("brand_matcher_upto"),
            setting(generation.KEY),
        )
    ).one()
    top_post, top_enrichment, top_correction, defined, top_category, *matcher = row
    return (
        model_version,
        top_post,
        top_enrichment,
        top_correction,
        (defined, top_category),
        *matcher,
    )
