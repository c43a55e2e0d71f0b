"""Publishing approved drafts through the queue, when the store has one (PostgreSQL, with the
queue's tables: a worker or `escucha jobs queue` has run once): approving a reply draft
queues its `publish` job, and the web app's publish button queues the job instead of calling
the platform inside the request; the drafts pages show each draft's job. Without a queue
approving only approves, and publishing is done in the foreground as before."""

from __future__ import annotations

from collections.abc import Iterable

from escucha.core.context import Context
from escucha.jobs.queue import has_queue

# procrastinate's job statuses, as the drafts pages name a publish job's state
PENDING = ("todo", "doing")


def queue_ready(ctx: Context) -> bool:
    """Whether jobs can be queued in this store (PostgreSQL, the queue's schema applied)."""
    return ctx.engine.dialect.name == "postgresql" and has_queue(ctx)


def queue_publish(ctx: Context, draft_id: int) -> bool:
    """Queue the draft's publish job; False when one already waits (nothing more queued)."""
    from escucha.jobs.worker import queue_job

    return queue_job(ctx, "publish", draft_id=int(draft_id))


def after_approval(ctx: Context, draft: dict) -> bool:
    """Queue an approved reply draft's publish job when the store has a queue; whether a job
    waits for it now."""
    if draft["kind"] != "reply" or draft["status"] != "approved" or not queue_ready(ctx):
        return False
    queue_publish(ctx, draft["draft_id"])
    return True


def publish_jobs(ctx: Context, draft_ids: Iterable[int]) -> dict[int, str]:
    """Each draft's latest publish job's status (todo, doing, succeeded, failed, cancelled,
    ...); drafts without one are left out, and so is everything without a queue."""
    from sqlalchemy import bindparam, text

    ids = sorted({int(i) for i in draft_ids})
    if not ids or not queue_ready(ctx):
        return {}
    query = text(
        """
        SELECT DISTINCT ON (draft_id) draft_id, status FROM (
            SELECT (args->>'draft_id')::int AS draft_id, status::text AS status, id
              FROM procrastinate_jobs
             WHERE task_name = 'escucha:publish' AND args ? 'draft_id'
        ) AS jobs
         WHERE draft_id IN :ids
         ORDER BY draft_id, id DESC
        """
    ).bindparams(bindparam("ids", expanding=True))
    with ctx.engine.connect() as conn:
        return {row.draft_id: row.status for row in conn.execute(query, {"ids": ids})}
