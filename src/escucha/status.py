"""What `escucha status` reports: counts that describe a workspace, and its import runs."""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import func, select

from escucha.config import database_url
from escucha.core.context import Context
from escucha.store import db
from escucha.store.schema import authors, brand_mentions, enrichments, import_runs, posts


class SourcePosts(TypedDict):
    source: str
    posts: int
    first_post: str | None  # ISO 8601
    last_post: str | None


class WorkspaceStatus(TypedDict):
    workspace: str
    name: str
    database: str  # the URL without its password
    schema_revision: str | None
    posts: int
    authors: int
    model_version: str
    enriched: int
    not_enriched: int
    sources: list[SourcePosts]
    languages: dict[str, int]
    brands: dict[str, int]
    import_runs: dict[str, int]  # status -> runs
    listening: list[dict[str, Any]]  # escucha.listen.collector.source_health


def import_run_list(ctx: Context) -> list[dict[str, Any]]:
    """Every import run, oldest first, as the table's columns."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(import_runs).order_by(import_runs.c.id)).all()
    return [dict(r._mapping) for r in rows]


def workspace_status(ctx: Context) -> WorkspaceStatus:
    """Counts that describe the workspace; `escucha status --json` prints exactly this."""
    from escucha.enrich import current_model_version
    from escucha.listen.collector import source_health

    version = current_model_version()
    with ctx.engine.connect() as conn:
        n_posts = conn.scalar(select(func.count()).select_from(posts)) or 0
        n_enriched = (
            conn.scalar(
                select(func.count())
                .select_from(enrichments)
                .where(enrichments.c.model_version == version)
            )
            or 0
        )
        per_source = conn.execute(
            select(
                posts.c.source,
                func.count(),
                func.min(posts.c.created_at),
                func.max(posts.c.created_at),
            )
            .group_by(posts.c.source)
            .order_by(posts.c.source)
        ).all()
        per_lang = conn.execute(
            select(enrichments.c.lang, func.count())
            .where(enrichments.c.model_version == version)
            .group_by(enrichments.c.lang)
            .order_by(func.count().desc())
        ).all()
        per_brand = conn.execute(
            select(brand_mentions.c.brand, func.count())
            .group_by(brand_mentions.c.brand)
            .order_by(func.count().desc())
        ).all()
        n_authors = conn.scalar(select(func.count()).select_from(authors)) or 0
        runs = conn.execute(
            select(import_runs.c.status, func.count()).group_by(import_runs.c.status)
        ).all()
    return {
        "workspace": str(ctx.path),
        "name": ctx.config.name,
        "database": db.redacted_url(database_url(ctx.path, ctx.config)),
        "schema_revision": db.current_revision(ctx.engine),
        "posts": n_posts,
        "authors": n_authors,
        "model_version": version,
        "enriched": n_enriched,
        "not_enriched": n_posts - n_enriched,
        "sources": [
            {
                "source": s,
                "posts": n,
                "first_post": first.isoformat() if first else None,
                "last_post": last.isoformat() if last else None,
            }
            for s, n, first, last in per_source
        ],
        "languages": {lang: n for lang, n in per_lang},
        "brands": {brand: n for brand, n in per_brand},
        "import_runs": {status: n for status, n in runs},
        "listening": source_health(ctx),
    }
