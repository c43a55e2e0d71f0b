"""`escucha worker` and `escucha jobs`: background jobs on the workspace's queue
(PostgreSQL only; docs/jobs.md)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from escucha.cli.common import workspace_of

jobs_app = typer.Typer(
    name="jobs",
    help="Background jobs: queue one, list the failed ones, retry or discard them.",
    no_args_is_help=True,
)


def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int, typer.Option(min=1, help="Jobs run at once by this worker (threads).")
    ] = 1,
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", "-q", help="Only these queues (repeatable): collect, default."),
    ] = None,
    stalled_after: Annotated[
        float,
        typer.Option(
            min=1.0,
            help="Seconds without a heartbeat after which another worker's running jobs "
            "are put back in the queue.",
        ),
    ] = 30.0,
    burst: Annotated[bool, typer.Option("--burst", help="Stop when the queue is empty.")] = False,
    retry_wait: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Seconds before a failed job's first retry (then 2, 4, 8, 16 s more); "
            "after 4 retries it goes to 'escucha jobs failed'.",
        ),
    ] = 5.0,
) -> None:
    """Run a worker: collection, analysis, ideas and alerts on their schedules, with retries
    (Ctrl-C stops it after the running jobs)."""
    from escucha.jobs.worker import run_worker

    workspace = workspace_of(ctx)
    typer.echo(f"escucha: worker for {workspace.config.name} (concurrency {concurrency})")
    run_worker(
        workspace,
        concurrency=concurrency,
        queues=queue,
        stalled_after=stalled_after,
        burst=burst,
        retry_wait=retry_wait,
    )
    typer.echo("stopped")


@jobs_app.command("queue")
def jobs_queue(
    ctx: typer.Context,
    task: Annotated[
        str,
        typer.Argument(
            help="collect, analyse, refresh_ideas, evaluate_alerts, send_digest, "
            "send_invitations, send_panel_invitations or publish."
        ),
    ],
    source: Annotated[str | None, typer.Option(help="The source, for collect.")] = None,
    digest: Annotated[int | None, typer.Option(help="The digest, for send_digest.")] = None,
    draft: Annotated[int | None, typer.Option(help="The approved draft, for publish.")] = None,
    survey: Annotated[int | None, typer.Option(help="The survey, for send_invitations.")] = None,
    panel: Annotated[
        int | None, typer.Option(help="The product test, for send_panel_invitations.")
    ] = None,
) -> None:
    """Queue one job now (a worker runs it)."""
    from escucha.jobs.worker import queue_job

    kwargs: dict[str, str | int] = {}
    if source:
        kwargs["source"] = source
    if digest is not None:
        kwargs["digest_id"] = digest
    if draft is not None:
        kwargs["draft_id"] = draft
    if survey is not None:
        kwargs["survey_id"] = survey
    if panel is not None:
        kwargs["panel_id"] = panel
    queued = queue_job(workspace_of(ctx), task, **kwargs)
    typer.echo(f"queued {task}" if queued else f"{task} is already waiting in the queue")


@jobs_app.command("failed")
def jobs_failed(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The jobs that failed every attempt, newest first, with their last error."""
    from escucha.jobs.admin import failed_jobs

    found = failed_jobs(workspace_of(ctx))
    if as_json:
        typer.echo(json.dumps([job.to_json() for job in found], ensure_ascii=False))
        return
    if not found:
        typer.echo("no failed jobs")
        return
    for job in found:
        args = ", ".join(f"{k}={v}" for k, v in job.args.items())
        when = job.failed_at.isoformat(timespec="seconds") if job.failed_at else "-"
        typer.echo(
            f"#{job.id} {job.task}({args}) after {job.attempts} attempt(s), {when}: "
            f"{job.error or 'no error recorded (its worker stopped)'}"
        )


@jobs_app.command("retry")
def jobs_retry(ctx: typer.Context, job_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Queue a failed job again."""
    from escucha.jobs.admin import retry_job

    retry_job(workspace_of(ctx), job_id)
    typer.echo(f"job #{job_id} queued again")


@jobs_app.command("discard")
def jobs_discard(ctx: typer.Context, job_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Take a failed job off the list without running it."""
    from escucha.jobs.admin import discard_job

    discard_job(workspace_of(ctx), job_id)
    typer.echo(f"job #{job_id} discarded")
