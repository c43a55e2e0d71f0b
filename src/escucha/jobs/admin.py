"""The dead-letter list: jobs that failed every attempt, with their last error; retrying or
discarding one. The CLI (`escucha jobs`) and the web page (/jobs) call these."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from escucha.core.context import Context
from escucha.errors import NotFound
from escucha.jobs.queue import has_queue, require_postgres


@dataclass(frozen=True)
class FailedJob:
    id: int
    task: str
    args: dict[str, Any]
    attempts: int  # procrastinate's count: each run, and each manual retry
    error: str | None  # the last one's, None if the worker died before writing it
    failed_at: datetime | None

    def to_json(self) -> dict:
        found = asdict(self)
        found["failed_at"] = self.failed_at.isoformat() if self.failed_at else None
        return found


_FAILED = text(
    """
    SELECT j.id, j.task_name, j.args, j.attempts, e.error, e.failed_at
      FROM procrastinate_jobs j LEFT JOIN job_errors e ON e.job_id = j.id
     WHERE j.status = 'failed'
     ORDER BY j.id DESC
     LIMIT :limit
    """
)


def failed_jobs(ctx: Context, limit: int = 200) -> list[FailedJob]:
    """The dead letters, newest first."""
    require_postgres(ctx)
    if not has_queue(ctx):
        return []
    with ctx.engine.connect() as conn:
        rows = conn.execute(_FAILED, {"limit": limit}).all()
    return [
        FailedJob(
            row.id,
            row.task_name.removeprefix("escucha:"),
            dict(row.args),
            row.attempts,
            row.error,
            row.failed_at,
        )
        for row in rows
    ]


def _failed_or_not_found(conn: Any, job_id: int) -> None:
    status = conn.scalar(
        text("SELECT status::text FROM procrastinate_jobs WHERE id = :id FOR UPDATE"),
        {"id": job_id},
    )
    if status != "failed":
        raise NotFound(f"no failed job #{job_id}; see 'escucha jobs failed'")


def retry_job(ctx: Context, job_id: int) -> None:
    """Queue a failed job again, now (procrastinate's own retry: its attempts go on)."""
    require_postgres(ctx)
    if not has_queue(ctx):
        raise NotFound(f"no failed job #{job_id}; see 'escucha jobs failed'")
    with ctx.engine.begin() as conn:
        _failed_or_not_found(conn, job_id)
        conn.execute(
            text("SELECT procrastinate_retry_job_v2(:id, :at, NULL, NULL, NULL)"),
            {"id": job_id, "at": datetime.now(UTC)},
        )
        conn.execute(text("DELETE FROM job_errors WHERE job_id = :id"), {"id": job_id})


def discard_job(ctx: Context, job_id: int) -> None:
    """Take a failed job off the dead-letter list: it is marked cancelled and kept, so its
    history stays (procrastinate deletes finished jobs only through its own retention)."""
    require_postgres(ctx)
    if not has_queue(ctx):
        raise NotFound(f"no failed job #{job_id}; see 'escucha jobs failed'")
    with ctx.engine.begin() as conn:
        _failed_or_not_found(conn, job_id)
        conn.execute(
            text("UPDATE procrastinate_jobs SET status = 'cancelled' WHERE id = :id"),
            {"id": job_id},
        )
