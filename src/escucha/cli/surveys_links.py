"""`escucha surveys link|links|invite|remind|quota`: distributing a survey."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from escucha.cli.common import workspace_of
from escucha.cli.ideas import to_json
from escucha.cli.surveys_app import surveys_app, words

if TYPE_CHECKING:
    from escucha.i18n import Catalogue
    from escucha.workspace import Workspace

JSON_OPTION = typer.Option("--json", help="Print JSON.")
ID_ARGUMENT = typer.Argument(metavar="ID", help="The survey's id.")


def _id(text: str) -> int:
    from escucha.research.surveys import parse_survey_id

    return parse_survey_id(text)


@surveys_app.command("link")
def link(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    source: Annotated[
        str | None, typer.Option("--source", help="The channel: mastodon, newsletter...")
    ] = None,
    anonymous: Annotated[
        bool, typer.Option("--anonymous", help="Answers are never linked to anyone.")
    ] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """A public link to the survey's form (the token is shown once: only its hash is kept)."""
    from escucha.research.links import create_public_link

    made = create_public_link(workspace_of(ctx), _id(survey), source, anonymous=anonymous)
    typer.echo(to_json({"url": made.url}) if as_json else made.url)


@surveys_app.command("links")
def links(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The survey's links: kind, source, uses, expiry (never their tokens)."""
    from escucha.research.links import list_links

    ws = workspace_of(ctx)
    found = list_links(ws, _id(survey))
    if as_json:
        typer.echo(to_json({"links": found}))
        return
    t = words(ws)
    for item in found:
        state = (
            t["surveys_cli_link_revoked"]
            if item["revoked"]
            else t.text("surveys_cli_link_uses", n=item["uses"])
        )
        typer.echo(t.text("surveys_cli_link_row", id=item["id"], kind=item["kind"],
                          source=item["source"] or "-", state=state))  # fmt: skip


@surveys_app.command("invite")
def invite(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    segment: Annotated[str, typer.Option("--segment", help="The segment to invite.")],
    text: Annotated[
        str | None, typer.Option("--text", help="The invitation (default: a plain ask).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Post it on this source too (default: personal messages)."),
    ] = None,
    draft: Annotated[
        int | None,
        typer.Option("--draft", help="Reuse this invitation draft (e.g. approved by an admin)."),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who writes the invitation.")] = "cli",
    send: Annotated[
        str | None,
        typer.Option(
            "--send",
            help="email: email each invited contact their invitation once the draft is "
            "approved (a job on PostgreSQL; run again to retry).",
        ),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Invite a segment's ask-ready contacts, each with a personal link; the text is an
    invitation draft checked by the honest-post guard and approved by a person. Prints the
    messages to send and who was left out; with --send email, emails them instead."""
    from escucha.research.invitations import invite_segment

    if send not in (None, "email"):
        raise typer.BadParameter("the only way to send is 'email'", param_hint="--send")
    ws = workspace_of(ctx)
    done = invite_segment(ws, _id(survey), segment, text=text, source=source, draft_id=draft, by=by)
    if send:
        done["emails"] = _send(ws, done["survey_id"])
        for item in done["invited"]:  # the emailed link replaces the one made when invited
            del item["url"], item["text"]
    if as_json:
        typer.echo(to_json(done))
        return
    t = words(ws)
    typer.echo(t.text("surveys_cli_invited", invited=len(done["invited"]),
                      left_out=len(done["left_out"])))  # fmt: skip
    for lang, item in done["drafts"].items():
        typer.echo(t.text("surveys_cli_invite_draft", draft=item["draft_id"], lang=lang,
                          verdict=item["verdict"], status=item["status"]))  # fmt: skip
    for item in done["invited"] if not send else []:
        typer.echo(t.text("surveys_cli_invited_row", id=item["contact_id"],
                          name=item["name"] or "-", url=item["url"]))  # fmt: skip
    for item in done["left_out"]:
        typer.echo(
            t.text(
                "surveys_cli_left_out_row",
                id=item["contact_id"],
                name=item["name"] or "-",
                reasons="; ".join(item["reasons"]),
            )
        )
    if send:
        _print_emails(t, done["emails"])


def _send(ws: Workspace, survey_id: int) -> dict:
    """Email the invitations now (SQLite), or queue the job a worker runs (PostgreSQL)."""
    if ws.engine.dialect.name == "postgresql":
        from escucha.jobs.worker import queue_job

        queue_job(ws, "send_invitations", survey_id=survey_id)
        return {"queued": True}
    from escucha.research.sending import send_invitations

    return {"queued": False, **send_invitations(ws, survey_id)}


def _print_emails(t: Catalogue, emails: dict) -> None:
    if emails["queued"]:
        typer.echo(t["surveys_cli_emails_queued"])
        return
    typer.echo(t.text("surveys_cli_emailed", sent=len(emails["sent"]),
                      already=len(emails["already_sent"]), failed=len(emails["failed"]),
                      skipped=len(emails["skipped"])))  # fmt: skip
    for item in emails["skipped"]:
        typer.echo(t.text("surveys_cli_email_skipped_row", id=item["contact_id"],
                          reason=item["reason"]))  # fmt: skip
    for item in emails["failed"]:
        typer.echo(t.text("surveys_cli_email_failed_row", id=item["contact_id"],
                          error=item["error"]))  # fmt: skip


@surveys_app.command("remind")
def remind(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The one reminder, with a fresh link, to invited contacts who have not started
    ([research] reminder_after_days after the invitation)."""
    from escucha.research.invitations import remind as run

    ws = workspace_of(ctx)
    done = run(ws, _id(survey))
    if as_json:
        typer.echo(to_json(done))
        return
    t = words(ws)
    typer.echo(t.text("surveys_cli_reminded", n=len(done["reminded"]), days=done["after_days"]))
    for item in done["reminded"]:
        typer.echo(t.text("surveys_cli_reminded_row", id=item["contact_id"], url=item["url"]))


@surveys_app.command("quota")
def quota(
    ctx: typer.Context,
    survey: Annotated[str, ID_ARGUMENT],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="VARIABLE=CATEGORY:CAP, e.g. country=ES:100 (0 removes)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Set quota cells; without --set, list them with their complete responses."""
    from escucha.research.responses import list_quotas, parse_quota, set_quota

    ws = workspace_of(ctx)
    survey_id = _id(survey)
    for text in set_ or []:
        set_quota(ws, survey_id, *parse_quota(text))
    found = list_quotas(ws, survey_id)
    if as_json:
        typer.echo(to_json({"quotas": found}))
        return
    t = words(ws)
    for item in found:
        typer.echo(t.text("surveys_cli_quota_row", **item))
