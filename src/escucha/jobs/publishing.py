"""Sending from the web app through the queue, when the store has one (PostgreSQL, with the
queue's tables: a worker or `escucha jobs queue` has run once): approving a reply draft
queues its `publish` job, and the publish and digest "send now" buttons queue their job
instead of calling the platform or the mail server inside the request; the pages show each
one's latest job. Without a queue approving only approves, and the buttons send in the
foreground as before."""

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


def queue_digest(ctx: Context, digest_id: int) -> bool:
    """Queue the digest's send job; False when one already waits."""
    from escucha.jobs.worker import queue_job

    return queue_job(ctx, "send_digest", digest_id=int(digest_id))


def latest_jobs(ctx: Context, task: str, arg: str, ids: Iterable[int]) -> dict[int, str]:
    """For each id, the status of the latest `task` job whose argument `arg` is that id (todo,
    doing, succeeded, failed, cancelled, ...); ids without a job are left out, and so is
    everything without a queue."""
    from sqlalchemy import bindparam, text

    wanted = sorted({int(i) for i in ids})
    if not wanted or not queue_ready(ctx):
        return {}
    query = text(
        """
        SELECT DISTINCT ON (ref) ref, status FROM (
            SELECT (args->>:arg)::int AS ref, status::text AS status, id
              FROM procrastinate_jobs
             WHERE task_name = :task AND args ? :arg
        ) AS jobs
         WHERE ref IN :ids
         ORDER BY ref, id DESC
        """
    ).bindparams(bindparam("ids", expanding=True))
    params = {"task": f"escucha:{task}", "arg": arg, "ids": wanted}
    with ctx.engine.connect() as conn:
        return {row.ref: row.status for row in conn.execute(query, params)}


def publish_jobs(ctx: Context, draft_ids: Iterable[int]) -> dict[int, str]:
    """Each draft's latest publish job's status."""
    return latest_jobs(ctx, "publish", "draft_id", draft_ids)
