"""`escucha alerts`: evaluate the alert rules, deliver what fired, and show the history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.errors import UserError

alerts_app = typer.Typer(
    name="alerts",
    help="Spike and match alerts on brands and saved queries, sent to webhooks, Slack, email.",
    invoke_without_command=True,
)


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--at {text!r}: expected a date and time, e.g. 2017-12-01T10:00") from None


@alerts_app.callback()
def alerts_run(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(help="Evaluate at this UTC time (default: the newest post's hour)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would fire; store and send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Evaluate the rules at --at, deliver new alerts (and due retries), print what fired."""
    if ctx.invoked_subcommand is not None:
        return
    from escucha.alerts import run_alerts

    done = run_alerts(workspace_of(ctx), at=_moment(at), dry_run=dry_run)
    if as_json:
        typer.echo(to_json(done))
        return
    for note in done["notes"]:
        typer.echo(f"note: {note}", err=True)
    when = f"{done['at']:%Y-%m-%d %H:%M} UTC" if done["at"] else "-"
    verb = "would fire" if dry_run else "fired"
    typer.echo(f"{len(done['fired'])} new alert(s) {verb} for the windows ending {when}")
    for alert in done["fired"]:
        typer.echo(f"  [{alert['rule']}/{alert['metric']}] {alert['message']}")
    for item in done["deliveries"]:
        error = f": {item['error']}" if item["error"] else ""
        typer.echo(f"  alert {item['alert']} → {item['channel']}: {item['status']}{error}")


@alerts_app.command("history")
def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="At most this many alerts.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Alerts raised so far, newest first, with each channel's delivery status."""
    from escucha.alerts import alert_history

    found = alert_history(workspace_of(ctx), limit=limit)
    if as_json:
        typer.echo(to_json(found))
        return
    if not found:
        typer.echo("no alerts yet")
    for alert in found:
        typer.echo(
            f"#{alert['id']} {alert['fired_at']:%Y-%m-%d %H:%M} [{alert['state']}] "
            f"{alert['message']}"
        )
        for d in alert["deliveries"]:
            error = f" ({d['error']})" if d["error"] else ""
            typer.echo(f"    {d['channel']}: {d['status']}, {d['attempts']} attempt(s){error}")
