"""`escucha digests`: scheduled digests (the period compared with the one before, its alerts
and themes) sent daily or weekly by email or to a webhook."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.errors import UserError

digests_app = typer.Typer(
    name="digests",
    help="Scheduled digests by email or webhook: add, list, remove, send.",
    no_args_is_help=True,
)


def _at(text: str | None) -> datetime | None:
    """--at: the clock a send reads (the period is the last whole one before it)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"--at {text[:40]!r}: expected a date, e.g. 2026-11-30") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@digests_app.command("add")
def digests_add(
    ctx: typer.Context,
    every: Annotated[str, typer.Option(help="daily or weekly.")],
    to: Annotated[str, typer.Option(help="email:ADDRESS or webhook:URL.")],
    lang: Annotated[str, typer.Option(help="The digest's language: es or en.")] = "en",
    brand: Annotated[str | None, typer.Option(help="Only this brand (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add a digest: the last whole day or week against the one before, sent once each."""
    from escucha.digests import add_digest

    digest = add_digest(workspace_of(ctx), every, to, lang=lang, brand=brand)
    if as_json:
        typer.echo(to_json(digest.to_json()))
        return
    typer.echo(f"digest #{digest.id}: {digest.every} to {digest.channel}:{digest.shown_target}")


@digests_app.command("list")
def digests_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The digests, with where each goes (webhook URLs shown without their path)."""
    from escucha.digests import list_digests

    found = list_digests(workspace_of(ctx))
    if as_json:
        typer.echo(to_json([d.to_json() for d in found]))
        return
    if not found:
        typer.echo("no digests")
    for d in found:
        brand = d.brand or "every brand"
        typer.echo(f"#{d.id} {d.every} {d.lang} {brand} → {d.channel}:{d.shown_target}")


@digests_app.command("remove")
def digests_remove(
    ctx: typer.Context, digest_id: Annotated[int, typer.Argument(metavar="ID")]
) -> None:
    """Remove a digest (and its sent-log)."""
    from escucha.digests import remove_digest

    remove_digest(workspace_of(ctx), digest_id)
    typer.echo(f"digest #{digest_id} removed")


@digests_app.command("send")
def digests_send(
    ctx: typer.Context,
    digest_id: Annotated[int, typer.Argument(metavar="ID")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send nothing.")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(help="Read the clock as this UTC time (the period is the one before)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send the digest's last whole period now, unless it was sent already."""
    from escucha.digests import send_digest

    done = send_digest(workspace_of(ctx), digest_id, now=_at(at), dry_run=dry_run)
    if as_json:
        typer.echo(to_json(done))
        return
    if dry_run:
        typer.echo(f"would send to {done['to']} (period {done['period']}, key {done['key']})")
        typer.echo(f"Subject: {done['subject']}\n")
        typer.echo(done["text"])
        return
    words = {"sent": "sent", "already_sent": "was already sent", "in_progress": "is being sent"}
    typer.echo(f"digest #{digest_id} {done['period']} {words[done['status']]}")


@digests_app.command("run")
def digests_run(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(help="Read the clock as this UTC time (the period is the one before)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send every digest that is due, here and now (from cron on SQLite; a worker does it
    on PostgreSQL)."""
    from escucha.digests import send_due

    done = send_due(workspace_of(ctx), now=_at(at))
    if as_json:
        typer.echo(to_json(done))
        return
    if not done:
        typer.echo("no digest is due")
    for item in done:
        error = f": {item['error']}" if item.get("error") else ""
        typer.echo(f"digest #{item['digest']} {item.get('period', '')} {item['status']}{error}")
