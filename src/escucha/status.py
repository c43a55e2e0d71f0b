"""What `escucha status` reports: counts that describe a workspace, and its import runs."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypedDict

from escucha.config import database_url
from escucha.core.context import Context
from escucha.store import db

if TYPE_CHECKING:
    from escucha.listen.collector import ListeningSource


class SourcePosts(TypedDict):
    source: str
    posts: int
    first_post: str | None  # ISO 8601
    last_post: str | None


class WorkspaceLocation(TypedDict):
    workspace: str  # the folder
    database: str  # the URL without its password


class WorkspaceStatus(TypedDict):
    """What the workspace holds, never where it lives: a backup restored elsewhere (or moved
    to another database) has the same status."""

    name: str
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
    listening: list[dict[str, Any]]  # escucha.listen.collector.ListeningSource.to_json


def import_run_list(ctx: Context) -> list[dict[str, Any]]:
    """Every import run, oldest first, as the table's columns."""
    from escucha.reads.sources import runs

    with ctx.engine.connect() as conn:
        return [asdict(run) for run in runs(conn)]


def workspace_location(ctx: Context) -> WorkspaceLocation:
    """Where the workspace lives (`escucha status --paths`): its folder and its store."""
    return {
        "workspace": str(ctx.path),
        "database": db.redacted_url(database_url(ctx.path, ctx.config)),
    }


def workspace_status(
    ctx: Context, listening: list[ListeningSource] | None = None
) -> WorkspaceStatus:
    """Counts that describe the workspace; `escucha status --json` prints exactly this
    (with `--paths`, `workspace_location` too).
    `listening`: source_health(ctx), if the caller has it already."""
    from escucha.enrich import current_model_version
    from escucha.listen.collector import source_health
    from escucha.reads.overview import store_counts
    from escucha.reads.sources import coverage, run_counts

    version = current_model_version(ctx)
    with ctx.engine.connect() as conn:
        counts = store_counts(conn, version)
        sources = coverage(conn)
        runs = run_counts(conn)
    if listening is None:
        listening = source_health(ctx)
    totals = counts.totals
    return {
        "name": ctx.config.name,
        "schema_revision": db.current_revision(ctx.engine),
        "posts": totals.posts,
        "authors": counts.authors,
        "model_version": version,
        "enriched": totals.enriched,
        "not_enriched": totals.posts - totals.enriched,
        "sources": [
            {
                "source": s.source,
                "posts": s.posts,
                "first_post": s.first_post.isoformat() if s.first_post else None,
                "last_post": s.last_post.isoformat() if s.last_post else None,
            }
            for s in sources
        ],
        "languages": counts.languages,
        "brands": counts.brands,
        "import_runs": runs,
        "listening": [source.to_json() for source in listening],
    }
