"""The jobs: what each does, how often, and how it is retried.

Every job is idempotent, so a run killed mid-way and retried duplicates nothing: collection
stores one page per transaction with its cursor and ignores posts it already holds (on
source and native id); analysis reads only posts the current model has not read; the idea
refresh and the alert evaluation skip what they already stored; a digest's period, and each
emailed survey or product-test invitation, is claimed in its sent-log before it is sent; a draft's
publication is recorded with its idempotency key before the platform is called, so a retry
sends the same key. A job that keeps failing
ends, after RETRIES retries, in the dead-letter list (`escucha jobs failed`, the /jobs page)
with its last error."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from procrastinate import App, JobContext, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued

from escucha.core.context import Context
from escucha.errors import UserError

NAMESPACE = "escucha"
RETRIES = 4  # 5 runs in all, then the dead-letter list
RETRY_WAIT = 5.0  # seconds; the collector's own HTTP retries come first, this is for minutes


def retry_strategy(wait: float = RETRY_WAIT) -> RetryStrategy:
    """Again after `wait` + 2, + 4, + 8, + 16 seconds (`wait` 0: at once, for tests)."""
    return RetryStrategy(max_attempts=RETRIES, wait=int(wait), exponential_wait=2 if wait else 0)


COLLECT_QUEUE = "collect"  # slow network jobs apart, so a worker may serve one queue only
MAX_ERROR = 500


class JobFailed(UserError):
    """A job's work ended in an error that was recorded rather than raised (the collector's)."""


def workspace_of(context: JobContext) -> Context:
    return context.additional_context["workspace"]


def record_failure(ctx: Context, job_id: int, task: str, attempt: int, exc: BaseException) -> None:
    """Keep the job's last error for the dead-letter view (procrastinate keeps none)."""
    from sqlalchemy.dialects.postgresql import insert

    from escucha.store.schema import job_errors

    message = " ".join(f"{type(exc).__name__}: {exc}".split())[:MAX_ERROR]
    row = {
        "job_id": job_id,
        "task": task,
        "attempt": attempt,
        "error": message,
        "failed_at": datetime.now(UTC),
    }
    stmt = insert(job_errors).values(row)
    stmt = stmt.on_conflict_do_update(index_elements=["job_id"], set_=row)
    with ctx.engine.begin() as conn:
        conn.execute(stmt)


def recorded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the job; on an error, write it down, then let procrastinate retry or give up."""

    @functools.wraps(func)
    def run(context: JobContext, **kwargs: Any) -> Any:
        try:
            return func(context, **kwargs)
        except Exception as exc:
            job = context.job
            record_failure(workspace_of(context), job.id or 0, job.task_name, job.attempts, exc)
            raise

    return run


def defer(app: App, task: str, lock: str, **kwargs: Any) -> bool:
    """Queue `task` unless the same work already waits in the queue (its queueing lock);
    the lock also keeps two runs of it from running at once."""
    try:
        app.tasks[f"{NAMESPACE}:{task}"].configure(queueing_lock=lock, lock=lock).defer(**kwargs)
    except AlreadyEnqueued:
        return False
    return True


def collect(context: JobContext, source: str) -> dict:
    """What is new from one configured source, from its saved cursor."""
    from escucha.listen.collector import collect as collect_source

    ctx = workspace_of(context)
    config = next((c for c in ctx.config.sources if c.name == source), None)
    if config is None:
        raise UserError(f"no source named {source!r} in escucha.toml")
    result = collect_source(ctx, config, stop=context.should_abort)
    if result.status == "error":
        raise JobFailed(result.message or "the collection failed")
    if result.new:
        defer(context.app, "analyse", "analyse")
    return {"new": result.new, "pages": result.pages, "status": result.status}


def analyse(context: JobContext) -> dict:
    """Read the posts the current model has not read."""
    from escucha.enrich import analyze

    return dict(analyze(workspace_of(context)))


def refresh_ideas(context: JobContext) -> dict:
    """Group new wish posts into the idea backlog (themes are computed when read, keyed on
    the store's data version, so they need no job)."""
    from escucha.ideas import refresh_ideas as refresh

    return dict(refresh(workspace_of(context)))


def evaluate_alerts(context: JobContext) -> dict:
    """Evaluate the alert rules, store and deliver what fired."""
    from escucha.alerts import run_alerts

    result = run_alerts(workspace_of(context))
    return {"fired": len(result["fired"]), "deliveries": len(result["deliveries"])}


def send_digest(context: JobContext, digest_id: int) -> dict:
    """Send one digest's last whole period, once (its sent-log row is claimed first)."""
    from escucha.digests import send_digest as send

    done = send(workspace_of(context), int(digest_id))
    return {"status": done["status"], "period": done["period"]}


def send_invitations(context: JobContext, survey_id: int) -> dict:
    """Email a survey's invitations, each contact once (their sent-log row is claimed first);
    a refused message fails the job, so it is retried."""
    from escucha.research.sending import send_invitations as send

    done = send(workspace_of(context), int(survey_id))
    if done["failed"]:
        raise JobFailed(
            f"{len(done['failed'])} invitation(s) refused: {done['failed'][0]['error']}"
        )
    return {"sent": len(done["sent"]), "skipped": len(done["skipped"])}


def send_panel_invitations(context: JobContext, panel_id: int) -> dict:
    """Email a product test's invitations, each tester once (their sent-log row is claimed
    first); a refused message fails the job, so it is retried."""
    from escucha.panels.sending import send_invitations as send

    done = send(workspace_of(context), int(panel_id))
    if done["failed"]:
        raise JobFailed(
            f"{len(done['failed'])} invitation(s) refused: {done['failed'][0]['error']}"
        )
    return {"sent": len(done["sent"]), "skipped": len(done["skipped"])}


def publish(context: JobContext, draft_id: int) -> dict:
    """Publish one approved draft, at most once: the attempt and its idempotency key are
    stored before the platform is called, and a published draft is never sent again."""
    from escucha.engage.publish import publish_draft

    done = publish_draft(workspace_of(context), int(draft_id), by="worker")
    return {"native_id": done["native_id"], "again": done["again"]}


def _due(ctx: Context, now: float) -> list[str]:
    """The sources whose interval has passed since their last success."""
    from escucha.listen.collector import source_health

    due = []
    for source in source_health(ctx):
        last = source.last_ok_at.timestamp() if source.last_ok_at else None
        if last is None or now - last >= float(source.interval):
            due.append(source.name)
    return due


def schedule_collection(context: JobContext, timestamp: int) -> list[str]:
    """Every minute: a collect job for each source that is due (one queued per source)."""
    ctx = workspace_of(context)
    due = _due(ctx, time.time())
    return [name for name in due if defer(context.app, "collect", f"collect:{name}", source=name)]


def schedule_analysis(context: JobContext, timestamp: int) -> bool:
    """Every 5 minutes, besides after each collection that stored posts."""
    return defer(context.app, "analyse", "analyse")


def schedule_ideas(context: JobContext, timestamp: int) -> bool:
    return defer(context.app, "refresh_ideas", "refresh_ideas")


def schedule_alerts(context: JobContext, timestamp: int) -> bool:
    return defer(context.app, "evaluate_alerts", "evaluate_alerts")


def schedule_digests(context: JobContext, timestamp: int) -> list[int]:
    """Every 10 minutes: a send_digest job for each digest whose last period is not sent."""
    from escucha.digests import due_digests

    due = due_digests(workspace_of(context))
    return [d for d in due if defer(context.app, "send_digest", f"digest:{d}", digest_id=d)]


async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Every minute: jobs left running by a worker that stopped sending heartbeats (killed,
    its machine lost) go back to the queue."""
    from escucha.jobs.stalled import requeue_stalled

    return await requeue_stalled(context.app, context.additional_context["stalled_after"])


# the jobs with their arguments, each retried by RETRY and its failures recorded
JOBS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "collect": (collect, {"queue": COLLECT_QUEUE}),
    "analyse": (analyse, {}),
    "refresh_ideas": (refresh_ideas, {}),
    "evaluate_alerts": (evaluate_alerts, {}),
    "send_digest": (send_digest, {}),
    "send_invitations": (send_invitations, {}),
    "send_panel_invitations": (send_panel_invitations, {}),
    "publish": (publish, {}),
}
# the schedules (cron, UTC): each queues its job unless one already waits
SCHEDULES: dict[str, tuple[Callable[..., Any], str]] = {
    "schedule_collection": (schedule_collection, "* * * * *"),
    "schedule_analysis": (schedule_analysis, "*/5 * * * *"),
    "schedule_ideas": (schedule_ideas, "*/15 * * * *"),
    "schedule_alerts": (schedule_alerts, "*/5 * * * *"),
    "schedule_digests": (schedule_digests, "*/10 * * * *"),
    "retry_stalled": (retry_stalled, "* * * * *"),
}


def register(app: App, retry_wait: float = RETRY_WAIT) -> None:
    """Declare the jobs and schedules on `app` (one app per workspace and process: a
    procrastinate task belongs to one app). A failed job is retried by the worker that ran
    it, so the worker's `retry_wait` decides."""
    retry = retry_strategy(retry_wait)
    for name, (func, options) in JOBS.items():
        app.task(name=f"{NAMESPACE}:{name}", pass_context=True, retry=retry, **options)(
            recorded(func)
        )
    for name, (func, cron) in SCHEDULES.items():
        task = app.task(name=f"{NAMESPACE}:{name}", pass_context=True)(func)
        app.periodic(cron=cron, periodic_id=name)(task)
