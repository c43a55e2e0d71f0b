"""The store's data version: cheap to read, different after any change the pages show."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from sqlalchemy import Connection, Engine, ScalarSelect, Select, func, select

from escucha.store import generation
from escucha.store.db import reading
from escucha.store.schema import categories, enrichments, label_changes, posts, settings
from escucha.store.schema.community import erasures, interactions


class Versions(NamedTuple):
    """What a web request checks its caches against: the posts' data version
    (`data_version`) and the community ledger's (`ledger`: moves when an interaction is
    logged or a person's records are erased), apart so that logging an interaction does not
    throw away the aggregates of every post."""

    data: tuple
    ledger: tuple


def current_versions(engine: Engine, model_version: str) -> Versions:
    """Both versions in one statement on a connection of its own, read without a transaction
    around it (the one statement sees one snapshot anyway)."""
    with reading(engine) as conn:
        row = conn.execute(_both()).one()
    split = len(row) - len(_ledger_columns())
    return Versions(_data_of(model_version, tuple(row[:split])), tuple(row[split:]))


@cache
def _both() -> Select:
    """Built once: it runs on every request."""
    return select(*_data_columns(), *_ledger_columns())


@cache
def _data_only() -> Select:
    return select(*_data_columns())


def data_version(conn: Connection, model_version: str) -> tuple:
    """Indexed maxima and three settings: moves whenever posts are added, enriched, relabelled
    or tagged, edited, deleted or erased, categories defined or removed, brands re-matched,
    or reach and engagement counts stored (a re-import refreshes them: the writer bumps the
    generation). Read from the store on every request, so it is the same in every web worker
    process."""
    row = conn.execute(_data_only()).one()  # one round trip
    return _data_of(model_version, tuple(row))


def _data_columns() -> list[ScalarSelect]:
    def setting(key: str) -> ScalarSelect:
        return select(settings.c.value).where(settings.c.key == key).scalar_subquery()

    return [
        select(func.max(posts.c.id)).scalar_subquery(),
        select(func.max(enrichments.c.id)).scalar_subquery(),
        select(func.max(label_changes.c.id)).scalar_subquery(),
        select(func.count()).select_from(categories).scalar_subquery(),
        select(func.max(categories.c.id)).scalar_subquery(),
        setting("brand_matcher"),
        setting("brand_matcher_upto"),
        setting(generation.KEY),
    ]


def _ledger_columns() -> list[ScalarSelect]:
    """Interactions are only added, or deleted by an erasure (which is logged)."""
    return [
        select(func.max(interactions.c.id)).scalar_subquery(),
        select(func.max(erasures.c.id)).scalar_subquery(),
    ]


def _data_of(model_version: str, row: tuple) -> tuple:
    top_post, top_enrichment, top_correction, defined, top_category, *matcher = row
    return (
        model_version,
        top_post,
        top_enrichment,
        top_correction,
        (defined, top_category),
        *matcher,
    )
