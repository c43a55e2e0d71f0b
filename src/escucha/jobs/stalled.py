"""Jobs left running by a worker that died (killed, its machine lost): procrastinate keeps
them 'doing'; these go back to the queue once the worker's heartbeat is old enough."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import procrastinate


async def requeue_stalled(app: procrastinate.App, stalled_after: float) -> int:
    """Put back the running jobs of workers silent for `stalled_after` seconds; how many."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after)
    for job in stalled:
        await app.job_manager.retry_job(job)
    return len(list(stalled))
