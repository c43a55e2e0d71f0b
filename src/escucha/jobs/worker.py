"""`escucha worker`: one procrastinate worker for the workspace's queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from escucha.core.context import Context
from escucha.errors import UserError
from escucha.jobs.queue import ensure_schema, make_app
from escucha.jobs.stalled import requeue_stalled
from escucha.jobs.tasks import JOBS, RETRY_WAIT, defer

log = logging.getLogger(__name__)


def run_worker(
    ctx: Context,
    *,
    concurrency: int = 1,
    queues: Sequence[str] | None = None,
    stalled_after: float = 30.0,
    burst: bool = False,
    retry_wait: float = RETRY_WAIT,
) -> int:
    """Work the queue until SIGINT/SIGTERM (the running jobs finish first), or, with `burst`,
    until it is empty. Jobs of workers silent for `stalled_after` seconds go back to the
    queue at start and every minute. Returns how many stalled jobs this start put back."""
    ensure_schema(ctx)
    app = make_app(ctx, max_connections=concurrency + 3, retry_wait=retry_wait)

    async def work() -> int:
        async with app.open_async():
            requeued = await requeue_stalled(app, stalled_after)
            if requeued:
                log.warning("put back %d job(s) of stopped workers", requeued)
            options: dict = {"queues": list(queues)} if queues else {}  # default: all queues
            await app.run_worker_async(
                **options,
                concurrency=concurrency,
                wait=not burst,
                additional_context={"workspace": ctx, "stalled_after": stalled_after},
                update_heartbeat_interval=max(0.5, stalled_after / 3),
                stalled_worker_timeout=stalled_after,
                install_signal_handlers=True,
            )
            return requeued

    return asyncio.run(work())


# the argument each job needs, its option on `escucha jobs queue`, and its lock's prefix
NEEDS = {
    "collect": ("source", "--source NAME", "collect"),
    "send_digest": ("digest_id", "--digest ID", "digest"),
    "send_invitations": ("survey_id", "--survey ID", "invitations"),
    "send_panel_invitations": ("panel_id", "--panel ID", "panel-invitations"),
    "publish": ("draft_id", "--draft ID", "publish"),
}


def queue_job(ctx: Context, task: str, **kwargs: str | int) -> bool:
    """Queue one job now (`escucha jobs queue`); False when the same one already waits."""
    if task not in JOBS:
        raise UserError(f"no job named {task!r}; choose one of {', '.join(JOBS)}")
    lock = task
    if task in NEEDS:
        name, option, prefix = NEEDS[task]
        if kwargs.get(name) is None:
            raise UserError(f"the {task} job needs {option}")
        lock = f"{prefix}:{kwargs[name]}"
    ensure_schema(ctx)
    app = make_app(ctx, max_connections=1)
    with app.open():
        return defer(app, task, lock, **kwargs)
