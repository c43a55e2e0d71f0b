"""What the store knows of each source: the posts it gave, its collection state, its import
runs, and the one decision of its health that the CLI, the web and the report show."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, func, select

from escucha.store.schema import import_runs, posts, source_rejects, source_state

HealthStatus = Literal["ok", "failing", "unknown"]


@dataclass(frozen=True)
class SourceCoverage:
    """The posts stored from one source and the dates they span."""

    source: str
    posts: int
    first_post: datetime | None
    last_post: datetime | None


@dataclass(frozen=True)
class SourceState:
    """A collected source's state: its last success and last error, new posts so far."""

    source: str
    kind: str
    last_ok_at: datetime | None
    last_error: str | None
    collected: int


@dataclass(frozen=True)
class ImportRun:
    """One import of a file or one collection run."""

    id: int
    source: str
    location: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | done | failed
    accepted: int
    duplicate: int
    rejected: int
    rejects_path: str | None
    message: str | None


@dataclass(frozen=True)
class Health:
    status: HealthStatus
    detail: str | None = None  # the error, when failing


@dataclass(frozen=True)
class SourceOverview:
    """A source that gave posts: coverage and health (the web's sources page)."""

    coverage: SourceCoverage
    health: Health


def decide_health(state: SourceState | None, last_run: ImportRun | None) -> Health:
    """A collected source is failing while its last attempt failed and ok once one succeeded;
    otherwise (an imported file, say) its last import run decides; with neither, unknown."""
    if state is not None and state.last_error:
        return Health("failing", state.last_error)
    if state is not None and state.last_ok_at:
        return Health("ok")
    if last_run is not None:
        if last_run.status == "done":
            return Health("ok")
        if last_run.status == "failed":
            return Health("failing", last_run.message)
    return Health("unknown")


def coverage(conn: Connection) -> list[SourceCoverage]:
    """Per source with posts, by name: how many and their first and last date."""
    rows = conn.execute(
        select(
            posts.c.source,
            func.count(),
            func.min(posts.c.created_at),
            func.max(posts.c.created_at),
        )
        .group_by(posts.c.source)
        .order_by(posts.c.source)
    ).all()
    return [SourceCoverage(*row) for row in rows]


def states(conn: Connection) -> dict[str, SourceState]:
    rows = conn.execute(
        select(
            source_state.c.source,
            source_state.c.kind,
            source_state.c.last_ok_at,
            source_state.c.last_error,
            source_state.c.collected,
        )
    ).all()
    return {row.source: SourceState(*row) for row in rows}


def reject_counts(conn: Connection) -> dict[str, int]:
    """Records each collected source rejected so far."""
    return dict(
        conn.execute(
            select(source_rejects.c.source, func.count()).group_by(source_rejects.c.source)
        ).all()
    )


def runs(conn: Connection, newest_first: bool = False) -> list[ImportRun]:
    order = import_runs.c.id.desc() if newest_first else import_runs.c.id
    query = select(*(import_runs.c[f.name] for f in fields(ImportRun))).order_by(order)
    return [ImportRun(*row) for row in conn.execute(query)]


def run_counts(conn: Connection) -> dict[str, int]:
    """Import runs per status."""
    return dict(
        conn.execute(
            select(import_runs.c.status, func.count()).group_by(import_runs.c.status)
        ).all()
    )


def last_runs(found: list[ImportRun]) -> dict[str, ImportRun]:
    """The newest run of each source."""
    last: dict[str, ImportRun] = {}
    for run in found:
        if run.source not in last or run.id > last[run.source].id:
            last[run.source] = run
    return last


def source_overview(conn: Connection, found_runs: list[ImportRun]) -> list[SourceOverview]:
    """Every source that gave posts, by name, with its health."""
    known, last = states(conn), last_runs(found_runs)
    return [
        SourceOverview(c, decide_health(known.get(c.source), last.get(c.source)))
        for c in coverage(conn)
    ]
